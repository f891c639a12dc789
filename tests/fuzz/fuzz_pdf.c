/* fuzz_pdf - arbitrary bytes through the PDF extractor; the
 * invariants are in fuzz_format.h. */
#include "fuzz_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_format(&zf_format_pdf, data, size);
}
