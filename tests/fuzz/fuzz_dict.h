/* fuzz_dict.h - the two fixed stored-text dictionaries of fuzz_docstore
 * and its seed generator: raw content (phrases laid end to end) and one
 * trained by zd_train on samples built deterministically from the same
 * phrases.  Both are the same on every run, so seeds and regression inputs
 * naming their ids stay meaningful. */
#ifndef ZHS_FUZZ_DICT_H
#define ZHS_FUZZ_DICT_H

#include "docstore.h"
#include "zbuf.h"

static const char *const fuzz_phrases[] = {
    "法治政府建设",         "年度报告",           "人民政府",             "关于",
    "工作情况的报告",       "行政复议",           "行政诉讼",             "行政执法",
    "放管服改革",           "一网通办",           "依法行政",             "重大行政决策",
    "规范性文件",           "合法性审查",         "公平竞争审查",         "政务公开",
    "习近平法治思想",       "深入贯彻落实",       "全面依法治国",         "营商环境",
    "行政执法“三项制度”", "年，",                "。\n",                 "，",
    "一、",                 "二、",               "（一）",               "2021年",
    "2022年3月25日",        "乐中府〔2022〕7号",  "市委、市政府",         "司法局",
    "进一步",               "加强",               "推进",                 "完善",
    "共办理",               "件，",               "同比增长",             "%",
    "\n\n",                 "各区县",             "人民法院",             "检察院",
};
#define FUZZ_NPHRASES (sizeof fuzz_phrases / sizeof *fuzz_phrases)

/* Raw-content dictionary: every phrase once. */
static void fuzz_raw_dict(zbuf *out)
{
    zbuf_clear(out);
    for (size_t i = 0; i < FUZZ_NPHRASES; i++)
        zbuf_adds(out, fuzz_phrases[i]);
}

/* Trained dictionary from 200 pseudo-random "documents"; 0 on success. */
static int fuzz_trained_dict(zbuf *out)
{
    enum { NSAMPLES = 200 };
    zbuf all = {0};
    size_t sizes[NSAMPLES];
    uint32_t x = 12345;
    for (unsigned s = 0; s < NSAMPLES; s++) {
        size_t before = all.len;
        unsigned n = 20 + s % 60;
        for (unsigned k = 0; k < n; k++) {
            x = x * 1103515245u + 12345u;
            zbuf_adds(&all, fuzz_phrases[(x >> 16) % FUZZ_NPHRASES]);
        }
        sizes[s] = all.len - before;
    }
    int rc = zd_train(all.data, sizes, NSAMPLES, 4096, out);
    zbuf_free(&all);
    return rc;
}

/* Load both into c; ids in *raw and *trained (0 when that one failed). */
static void fuzz_load_dicts(zd_codec *c, uint32_t *raw, uint32_t *trained)
{
    zbuf d = {0};
    fuzz_raw_dict(&d);
    *raw = zd_add_dict(c, d.data, d.len);
    *trained = fuzz_trained_dict(&d) == 0 ? zd_add_dict(c, d.data, d.len) : 0;
    zbuf_free(&d);
}

#endif
