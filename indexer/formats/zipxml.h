/* zipxml.h - ZIP members and XML documents read safely, for the
 * container formats (DOCX, OFD). */
#ifndef ZHS_ZIPXML_H
#define ZHS_ZIPXML_H
#endif
