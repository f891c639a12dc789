// xapian_ngram - the Xapian CJK n-gram baseline.
//
//   xapian_ngram index DB FILELIST
//       One document per file of FILELIST (one path a line): TermGenerator with
//       FLAG_CJK_NGRAM and positions, set_data(path), a single commit at the
//       end.  Prints one JSON line (docs, bytes, seconds).
//   xapian_ngram query DB QUERYFILE [PASSES]
//       Each line of QUERYFILE through QueryParser (FLAG_CJK_NGRAM | default
//       flags, default operator AND), top 10 by Enquire (BM25), reading every
//       hit's data.  Per query and pass, prints "pass<TAB>line<TAB>microseconds
//       <TAB>matches_estimated" (steady_clock, parsing included).
//   xapian_ngram rank DB QUERYFILE
//       The same queries, once, for the known-item evaluation: per query
//       prints "line<TAB>path1<TAB>...<TAB>path10", the top 10 in rank order.
#include <xapian.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using clk = std::chrono::steady_clock;

static std::vector<std::string> read_lines(const char *path)
{
    std::ifstream in(path);
    if (!in) {
        std::cerr << "xapian_ngram: cannot open " << path << "\n";
        std::exit(2);
    }
    std::vector<std::string> v;
    std::string line;
    while (std::getline(in, line))
        v.push_back(line);
    return v;
}

static int do_index(const char *db_path, const char *list)
{
    std::vector<std::string> files = read_lines(list);
    auto t0 = clk::now();
    Xapian::WritableDatabase db(db_path, Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator tg;
    tg.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    unsigned long long bytes = 0, docs = 0;
    for (const std::string &path : files) {
        if (path.empty())
            continue;
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            std::cerr << "xapian_ngram: cannot read " << path << "\n";
            return 2;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        const std::string text = ss.str();
        bytes += text.size();
        Xapian::Document doc;
        tg.set_document(doc);
        tg.index_text(text); // positions are stored (index_text, not _without_positions)
        doc.set_data(path);
        db.add_document(doc);
        docs++;
    }
    db.commit();
    db.close();
    double secs = std::chrono::duration<double>(clk::now() - t0).count();
    std::printf("{\"docs\":%llu,\"bytes\":%llu,\"seconds\":%.6f}\n", docs, bytes, secs);
    return 0;
}

// The query side of the baseline, the same for latency and ranking runs:
// CJK n-grams, words joined by AND.
static const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_CJK_NGRAM;

static Xapian::QueryParser ngram_parser(Xapian::Database &db)
{
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.set_default_op(Xapian::Query::OP_AND);
    return qp;
}

static int do_query(const char *db_path, const char *qfile, int passes)
{
    std::vector<std::string> queries = read_lines(qfile);
    Xapian::Database db(db_path);
    Xapian::QueryParser qp = ngram_parser(db);
    Xapian::Enquire enq(db);
    for (int pass = 1; pass <= passes; pass++) {
        for (size_t i = 0; i < queries.size(); i++) {
            auto t0 = clk::now();
            Xapian::doccount est = 0;
            try {
                Xapian::Query q = qp.parse_query(queries[i], flags);
                enq.set_query(q);
                Xapian::MSet ms = enq.get_mset(0, 10);
                est = ms.get_matches_estimated();
                size_t sink = 0;
                for (Xapian::MSetIterator it = ms.begin(); it != ms.end(); ++it)
                    sink += it.get_document().get_data().size();
                (void)sink;
            } catch (const Xapian::Error &e) {
                std::cerr << "xapian_ngram: query " << (i + 1) << ": " << e.get_description()
                          << "\n";
            }
            double us = std::chrono::duration<double, std::micro>(clk::now() - t0).count();
            std::printf("%d\t%zu\t%.1f\t%u\n", pass, i + 1, us, (unsigned)est);
        }
    }
    return 0;
}

static int do_rank(const char *db_path, const char *qfile)
{
    std::vector<std::string> queries = read_lines(qfile);
    Xapian::Database db(db_path);
    Xapian::QueryParser qp = ngram_parser(db);
    Xapian::Enquire enq(db); // BM25Weight with its default parameters
    for (size_t i = 0; i < queries.size(); i++) {
        std::printf("%zu", i + 1);
        try {
            enq.set_query(qp.parse_query(queries[i], flags));
            Xapian::MSet ms = enq.get_mset(0, 10);
            for (Xapian::MSetIterator it = ms.begin(); it != ms.end(); ++it)
                std::printf("\t%s", it.get_document().get_data().c_str());
        } catch (const Xapian::Error &e) {
            std::cerr << "xapian_ngram: query " << (i + 1) << ": " << e.get_description()
                      << "\n";
        }
        std::printf("\n");
    }
    return 0;
}

int main(int argc, char **argv)
{
    try {
        if (argc == 4 && std::string(argv[1]) == "index")
            return do_index(argv[2], argv[3]);
        if ((argc == 4 || argc == 5) && std::string(argv[1]) == "query")
            return do_query(argv[2], argv[3], argc == 5 ? std::atoi(argv[4]) : 2);
        if (argc == 4 && std::string(argv[1]) == "rank")
            return do_rank(argv[2], argv[3]);
    } catch (const Xapian::Error &e) {
        std::cerr << "xapian_ngram: " << e.get_description() << "\n";
        return 2;
    }
    std::cerr << "usage: xapian_ngram index DB FILELIST | query DB QUERYFILE [PASSES] | rank DB QUERYFILE\n";
    return 2;
}
