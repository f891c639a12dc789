/* test_format_ofd.c - the ofd extractor on the fixtures of tests/formats. */
#include "check.h"
#include "format.h"
#include "formats.h"

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    CHECK(zf_format_ofd.name != NULL, "row");
    return check_done();
}
