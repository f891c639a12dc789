/* test_format_docx.c - the docx extractor on the fixtures of tests/formats. */
#include "check.h"
#include "format.h"
#include "formats.h"

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    CHECK(zf_format_docx.name != NULL, "row");
    return check_done();
}
