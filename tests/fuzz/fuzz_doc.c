/* fuzz_doc - arbitrary bytes through the DOC (Word 97-2003, WPS) extractor; the
 * invariants are in fuzz_format.h. */
#include "fuzz_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_format(&zf_format_doc, data, size);
}
