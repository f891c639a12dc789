/* zipxml.c - see zipxml.h. */
#include "zipxml.h"
