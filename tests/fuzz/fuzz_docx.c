/* fuzz_docx - arbitrary bytes through the DOCX extractor; the
 * invariants are in fuzz_format.h. */
#include "fuzz_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_format(&zf_format_docx, data, size);
}
