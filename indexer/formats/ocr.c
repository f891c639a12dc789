/* ocr.c - text of a rendered page by tesseract (chi_sim+eng). */
#include "formats.h"
