// xapian_shim.cc - the C API of zx.h over libxapian.  The only C++ file.
//
// Every extern "C" function catches every exception (Xapian::Error,
// std::bad_alloc, anything else) and reports it as a zx_status with a
// message, so no exception ever crosses into C code.
//
// Unweighted terms over document-id gaps.  Xapian 1.4's matcher
// (LocalSubMatch::open_post_list) reads a term that is not weighted (under
// a zero scale, on the right of FILTER or AND_NOT, or with BoolWeight) and
// that indexes every document of a shard from the shard's list of all
// documents, renamed to the term (LeafPostList::set_term).  When the shard's
// document ids have a gap (a document was removed), that list is a glass
// posting list for the empty term; past its first chunk (about 2,000
// documents) GlassPostList::next_chunk looks for the next chunk under the
// new name, finds none and throws "Unexpected end of posting list", and a
// skip_to can land in the term's own list instead.  Every zx_query
// therefore carries a second form, `safe`, with the same matches and no
// unweighted term that Xapian reads from start to end: a zero scale becomes
// a tiny one, FILTER becomes AND with a tiny-weighted right side, and
// counting weighs with BM25 instead of BoolWeight.  (The right side of
// AND_NOT stays unweighted: it is only ever moved with skip_to, which finds
// chunks by the term's own name.  A XOR form was tried instead, but Xapian
// 1.4 crashes on a XOR repeating a subquery over several shards.)  A search uses it only
// when some shard has a gap and holds one of the query's terms in every
// document (uses_safe_form), so ordinary searches run unchanged.
#include "zx.h"

#include "glass_check.h"

#include <xapian.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <memory>
#include <new>
#include <string>
#include <vector>

struct zx_db {
    Xapian::Database rdb; // read-only: all shards combined
    Xapian::WritableDatabase wdb;
    bool writable = false;
    std::vector<Xapian::Database> shards; // read-only: each shard on its own
    std::vector<std::string> specs;
    Xapian::Database &db() { return writable ? wdb : rdb; }
};
struct zx_doc {
    Xapian::Document doc;
};
struct zx_query {
    Xapian::Query q;    // as built
    Xapian::Query safe; // the same matches without unweighted terms
};
namespace {
bool uses_safe_form(zx_db *db, const Xapian::Query &q);
}

struct zx_enquire {
    zx_db *db;
    Xapian::Enquire enq;
    Xapian::Query q, safe;
    int use_safe = -1; // uses_safe_form(db, q), once per query (-1: not yet known)
    bool safe_form()
    {
        if (use_safe < 0)
            use_safe = uses_safe_form(db, q) ? 1 : 0;
        return use_safe == 1;
    }
    double bm25[5] = {1, 0, 1, 0.5, 0.5}; // k1, k2, k3, b, min_normlen
    std::vector<Xapian::ValueCountMatchSpy *> spies;
    explicit zx_enquire(zx_db *d) : db(d), enq(d->db()) {}
    ~zx_enquire()
    {
        enq.clear_matchspies();
        for (auto *s : spies)
            delete s;
    }
};
struct zx_mset {
    Xapian::MSet mset;
};

// zx_op values are Xapian's operator numbers, cast directly.
static_assert(ZX_OP_AND == static_cast<int>(Xapian::Query::OP_AND), "zx_op");
static_assert(ZX_OP_OR == static_cast<int>(Xapian::Query::OP_OR), "zx_op");
static_assert(ZX_OP_AND_NOT == static_cast<int>(Xapian::Query::OP_AND_NOT), "zx_op");
static_assert(ZX_OP_AND_MAYBE == static_cast<int>(Xapian::Query::OP_AND_MAYBE), "zx_op");
static_assert(ZX_OP_FILTER == static_cast<int>(Xapian::Query::OP_FILTER), "zx_op");
static_assert(ZX_OP_NEAR == static_cast<int>(Xapian::Query::OP_NEAR), "zx_op");
static_assert(ZX_OP_PHRASE == static_cast<int>(Xapian::Query::OP_PHRASE), "zx_op");
static_assert(ZX_OP_SYNONYM == static_cast<int>(Xapian::Query::OP_SYNONYM), "zx_op");

namespace {

void set_err(zx_err *err, zx_status code, const std::string &msg)
{
    if (!err)
        return;
    err->code = code;
    size_t n = msg.size() < sizeof err->msg - 1 ? msg.size() : sizeof err->msg - 1;
    memcpy(err->msg, msg.data(), n);
    err->msg[n] = 0;
}

void ok(zx_err *err)
{
    zerr_ok(err);
}

// Translate the exception being handled into a status.  Called only from
// within a catch block.
zx_status translate(zx_err *err)
{
    zx_status st;
    std::string msg;
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        st = ZX_ERR_LOCK;
        msg = e.get_description();
    } catch (const Xapian::DatabaseCorruptError &e) {
        st = ZX_ERR_CORRUPT;
        msg = e.get_description();
    } catch (const Xapian::DatabaseModifiedError &e) {
        st = ZX_ERR_MODIFIED;
        msg = e.get_description();
    } catch (const Xapian::DatabaseOpeningError &e) {
        st = ZX_ERR_OPEN;
        msg = e.get_description();
    } catch (const Xapian::DocNotFoundError &e) {
        st = ZX_ERR_NOT_FOUND;
        msg = e.get_description();
    } catch (const Xapian::NetworkError &e) {
        st = ZX_ERR_NETWORK;
        msg = e.get_description();
    } catch (const Xapian::DatabaseError &e) {
        st = ZX_ERR_IO;
        msg = e.get_description();
    } catch (const Xapian::InvalidArgumentError &e) {
        st = ZX_ERR_INVALID;
        msg = e.get_description();
    } catch (const Xapian::InvalidOperationError &e) {
        st = ZX_ERR_INVALID;
        msg = e.get_description();
    } catch (const Xapian::Error &e) {
        st = ZX_ERR_OTHER;
        msg = e.get_description();
    } catch (const std::bad_alloc &) {
        st = ZX_ERR_NOMEM;
        msg = "out of memory";
    } catch (const std::exception &e) {
        st = ZX_ERR_OTHER;
        msg = e.what();
    } catch (...) {
        st = ZX_ERR_OTHER;
        msg = "unknown error";
    }
    set_err(err, st, msg);
    return st;
}

char *dup_string(const std::string &s, size_t *len)
{
    char *p = static_cast<char *>(malloc(s.size() + 1));
    if (!p)
        return nullptr;
    memcpy(p, s.data(), s.size());
    p[s.size()] = 0;
    if (len)
        *len = s.size();
    return p;
}

// Refuse a database whose version file would crash Xapian.
void check_glass(const std::string &path)
{
    zerr e;
    if (zg_check(path.c_str(), &e) != ZERR_OK)
        throw Xapian::DatabaseCorruptError(e.msg);
}

zx_query *wrap(const Xapian::Query &q)
{
    return new zx_query{q, q};
}

zx_query *wrap(const Xapian::Query &q, const Xapian::Query &safe)
{
    return new zx_query{q, safe};
}

// Weight given to what the built query leaves unweighted, in the safe form:
// far below any difference of BM25 scores that ranking shows.
const double TINY = 1e-9;

Xapian::Query tiny(const Xapian::Query &q)
{
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, TINY);
}

// The databases a search reads: the writable one, or each shard.
std::vector<Xapian::Database> parts_of(zx_db *db)
{
    if (db->writable)
        return {db->wdb};
    return db->shards;
}

// See the top of the file: could the built query meet Xapian's renamed
// all-documents list in a shard with a gap?
bool uses_safe_form(zx_db *db, const Xapian::Query &q)
{
    for (const Xapian::Database &part : parts_of(db)) {
        Xapian::doccount n = part.get_doccount();
        if (n == 0 || part.get_lastdocid() == n)
            continue; // no gap: Xapian uses a list that has no chunks
        for (Xapian::TermIterator t = q.get_unique_terms_begin(); t != q.get_unique_terms_end(); ++t)
            if (part.get_termfreq(*t) == n)
                return true;
    }
    return false;
}

// zx_q_value_table: the weight of a document read from a small decimal
// value, weights[v - 1] for the value v in 1..n written without leading
// zeros, the default weight for any other value.  The weights of a
// ValueMapPostingSource with the keys "1".."n", without building and
// cloning a map of strings for every query and shard and looking each value
// up in it.  To a remote shard (xapian-tcpsrv) it is sent as that
// ValueMapPostingSource, which the server knows by name: same weights.
class ValueTableSource : public Xapian::ValuePostingSource {
    std::vector<double> weights;
    double default_weight;

  public:
    ValueTableSource(Xapian::valueno slot_, const double *w, size_t n, double dflt)
        : Xapian::ValuePostingSource(slot_), weights(w, w + n), default_weight(dflt)
    {
    }

    double get_weight() const override
    {
        std::string v = get_value();
        size_t n = v.size();
        if (n == 0 || n > 9 || v[0] < '1' || v[0] > '9')
            return default_weight;
        size_t k = 0;
        for (char c : v) {
            if (c < '0' || c > '9')
                return default_weight;
            k = k * 10 + static_cast<size_t>(c - '0');
        }
        return k <= weights.size() ? weights[k - 1] : default_weight;
    }

    void init(const Xapian::Database &db_) override
    {
        Xapian::ValuePostingSource::init(db_);
        double max = default_weight;
        for (double w : weights)
            max = w > max ? w : max;
        set_maxweight(max);
    }

    ValueTableSource *clone() const override
    {
        return new ValueTableSource(get_slot(), weights.data(), weights.size(), default_weight);
    }

    // Serialised as the equivalent ValueMapPostingSource (see above).
    Xapian::ValueMapPostingSource *as_map() const
    {
        std::unique_ptr<Xapian::ValueMapPostingSource> m(new Xapian::ValueMapPostingSource(get_slot()));
        for (size_t i = 0; i < weights.size(); i++)
            m->add_mapping(std::to_string(i + 1), weights[i]);
        m->set_default_weight(default_weight);
        return m.release();
    }

    std::string name() const override
    {
        return "Xapian::ValueMapPostingSource";
    }

    std::string serialise() const override
    {
        std::unique_ptr<Xapian::ValueMapPostingSource> m(as_map());
        return m->serialise();
    }

    Xapian::PostingSource *unserialise(const std::string &s) const override
    {
        std::unique_ptr<Xapian::ValueMapPostingSource> m(as_map());
        return m->unserialise(s);
    }

    std::string get_description() const override
    {
        return "Xapian::ValueMapPostingSource(slot=" + std::to_string(get_slot()) + ")";
    }
};

} // namespace

#define GUARD_BEGIN try {
#define GUARD_END(fail)                                                                            \
    }                                                                                              \
    catch (...)                                                                                    \
    {                                                                                              \
        translate(err);                                                                            \
        return fail;                                                                               \
    }
#define GUARD_END_ST                                                                               \
    }                                                                                              \
    catch (...)                                                                                    \
    {                                                                                              \
        return translate(err);                                                                     \
    }

extern "C" {

const char *zx_version_string(void)
{
    return Xapian::version_string();
}

zx_db *zx_db_open(const char *path, zx_err *err)
{
    zx_db *d = zx_db_open_empty(err);
    if (d && zx_db_add_shard(d, path, 10000, err) != ZX_OK) {
        zx_db_close(d);
        return nullptr;
    }
    return d;
}

zx_db *zx_db_open_empty(zx_err *err)
{
    GUARD_BEGIN
    zx_db *d = new zx_db;
    ok(err);
    return d;
    GUARD_END(nullptr)
}

static zx_db *open_writable(const char *path, int flags, bool existing, zx_err *err)
{
    GUARD_BEGIN
    zx_db *d = new zx_db;
    try {
        if (existing)
            check_glass(path);
        d->wdb = Xapian::WritableDatabase(path, flags);
        d->writable = true;
    } catch (...) {
        delete d;
        throw;
    }
    ok(err);
    return d;
    GUARD_END(nullptr)
}

zx_db *zx_db_open_writable(const char *path, int create, zx_err *err)
{
    return open_writable(path, create ? Xapian::DB_CREATE_OR_OPEN : Xapian::DB_OPEN, true, err);
}

zx_db *zx_db_create_scratch(const char *path, zx_err *err)
{
    return open_writable(path, Xapian::DB_CREATE | Xapian::DB_NO_SYNC | Xapian::DB_BACKEND_GLASS,
                         false, err);
}

} // extern "C"

// Opening shards: C++ helpers, outside the C linkage block.
namespace {

bool is_remote_spec(const std::string &s, std::string &host, unsigned &port)
{
    size_t colon = s.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 >= s.size() ||
        s.find_first_not_of("0123456789", colon + 1) != std::string::npos ||
        s.find('/') != std::string::npos)
        return false;
    host = s.substr(0, colon);
    std::string digits = s.substr(colon + 1);
    if (digits.size() > 5 || (port = static_cast<unsigned>(atoi(digits.c_str()))) == 0 ||
        port > 65535)
        throw Xapian::InvalidArgumentError(s + ": port must be between 1 and 65535");
    return true;
}

// A stub is small text; anything else (a FIFO, a device, a huge file) is
// refused before it is read, so opening never blocks or grows unbounded.
const off_t STUB_MAX = 1 << 20;

std::string read_small_file(const std::string &path)
{
    int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        throw Xapian::DatabaseOpeningError(path + ": " + strerror(errno));
    struct stat st;
    std::string text;
    const char *why = nullptr;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        why = ": not an index directory or a stub file";
    else if (st.st_size > STUB_MAX)
        why = ": too large for a stub file";
    else {
        text.resize(static_cast<size_t>(st.st_size));
        ssize_t got = text.empty() ? 0 : read(fd, &text[0], text.size());
        if (got < 0)
            why = ": cannot be read";
        else
            text.resize(static_cast<size_t>(got));
    }
    close(fd);
    if (why)
        throw Xapian::DatabaseOpeningError(path + why);
    return text;
}

// A stub: a file, or a directory holding a file XAPIANDB, one database per
// line: "auto PATH" or "glass PATH" (relative to the stub's directory), or
// "remote HOST:PORT".  Returns false when path is no stub.
bool read_stub(const std::string &path, std::string &stubfile, std::vector<std::string> &out)
{
    struct stat st;
    if (stat(path.c_str(), &st) != 0)
        return false;
    std::string dir;
    if (S_ISDIR(st.st_mode)) {
        stubfile = path + "/XAPIANDB";
        if (stat(stubfile.c_str(), &st) != 0)
            return false;
        dir = path;
    } else {
        stubfile = path;
        size_t slash = path.rfind('/');
        dir = slash == std::string::npos ? "." : path.substr(0, slash);
    }
    std::istringstream in(read_small_file(stubfile));
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::string kind, arg;
        if (!(ls >> kind) || kind[0] == '#')
            continue;
        ls >> arg;
        if ((kind == "auto" || kind == "glass") && !arg.empty())
            out.push_back(arg[0] == '/' ? arg : dir + "/" + arg);
        else if (kind == "remote" && !arg.empty() && arg[0] != ':')
            out.push_back(arg);
        else
            throw Xapian::DatabaseOpeningError("unsupported line in stub " + stubfile + ": " + line);
    }
    return true;
}

void open_spec(zx_db *db, const std::string &spec, unsigned timeout_ms, int depth)
{
    if (depth > 8)
        throw Xapian::DatabaseOpeningError("stub files nested too deeply: " + spec);
    std::string host, stubfile;
    unsigned port;
    std::vector<std::string> parts;
    if (is_remote_spec(spec, host, port)) {
        Xapian::Database shard = Xapian::Remote::open(host, port, timeout_ms, timeout_ms);
        db->shards.push_back(shard);
        db->specs.push_back(spec);
        db->rdb.add_database(shard);
    } else if (read_stub(spec, stubfile, parts)) {
        for (const std::string &p : parts)
            open_spec(db, p, timeout_ms, depth + 1);
    } else {
        check_glass(spec);
        Xapian::Database shard(spec);
        db->shards.push_back(shard);
        db->specs.push_back(spec);
        db->rdb.add_database(shard);
    }
}

} // namespace

extern "C" {

zx_status zx_db_add_shard(zx_db *db, const char *spec, unsigned timeout_ms, zx_err *err)
{
    GUARD_BEGIN
    if (db->writable) {
        set_err(err, ZX_ERR_INVALID, "cannot add shards to a writable database");
        return ZX_ERR_INVALID;
    }
    open_spec(db, spec, timeout_ms ? timeout_ms : 10000, 0);
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

unsigned zx_db_shard_count(zx_db *db)
{
    return db ? static_cast<unsigned>(db->writable ? 1 : db->shards.size()) : 0;
}

const char *zx_db_shard_spec(zx_db *db, unsigned i)
{
    return db && i < db->specs.size() ? db->specs[i].c_str() : "";
}

zx_status zx_db_shard_metadata(zx_db *db, unsigned i, const char *key, char **val, size_t *len,
                               zx_err *err)
{
    GUARD_BEGIN
    if (i >= db->shards.size()) {
        set_err(err, ZX_ERR_INVALID, "no such shard");
        return ZX_ERR_INVALID;
    }
    *val = dup_string(db->shards[i].get_metadata(key), len);
    if (!*val)
        throw std::bad_alloc();
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

zx_status zx_db_shard_probe(zx_db *db, unsigned i, zx_err *err)
{
    GUARD_BEGIN
    if (i >= db->shards.size()) {
        set_err(err, ZX_ERR_INVALID, "no such shard");
        return ZX_ERR_INVALID;
    }
    db->shards[i].reopen(); // a round trip for a remote shard
    (void)db->shards[i].get_doccount();
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

zx_status zx_db_drop_shard(zx_db *db, unsigned i, zx_err *err)
{
    GUARD_BEGIN
    if (i >= db->shards.size()) {
        set_err(err, ZX_ERR_INVALID, "no such shard");
        return ZX_ERR_INVALID;
    }
    db->shards.erase(db->shards.begin() + i);
    db->specs.erase(db->specs.begin() + i);
    Xapian::Database combined;
    for (const Xapian::Database &s : db->shards)
        combined.add_database(s);
    db->rdb = combined;
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

void zx_db_close(zx_db *db)
{
    if (!db)
        return;
    try {
        db->db().close();
    } catch (...) {
    }
    delete db;
}

int zx_db_reopen(zx_db *db, zx_err *err)
{
    GUARD_BEGIN
    bool changed = false;
    // A compacted copy that took a shard's place has a new UUID and counts
    // its revisions anew: Xapian's reopen() compares revisions only and can
    // go on reading the replaced files.  Such a shard is opened afresh.
    std::string host;
    unsigned port;
    for (size_t i = 0; i < db->shards.size(); i++) {
        if (is_remote_spec(db->specs[i], host, port))
            continue;
        check_glass(db->specs[i]);
        Xapian::Database fresh(db->specs[i]);
        if (fresh.get_uuid() != db->shards[i].get_uuid()) {
            db->shards[i] = fresh;
            changed = true;
        }
    }
    if (changed) {
        Xapian::Database combined;
        for (const Xapian::Database &s : db->shards)
            combined.add_database(s);
        db->rdb = combined;
    }
    if (db->db().reopen())
        changed = true;
    ok(err);
    return changed ? 1 : 0;
    GUARD_END(-1)
}

unsigned zx_db_doccount(zx_db *db, zx_err *err)
{
    GUARD_BEGIN
    unsigned n = db->db().get_doccount();
    ok(err);
    return n;
    GUARD_END(0)
}

unsigned zx_db_termfreq(zx_db *db, const char *term, size_t len, zx_err *err)
{
    GUARD_BEGIN
    unsigned n = db->db().get_termfreq(std::string(term, len));
    ok(err);
    return n;
    GUARD_END(0)
}

uint64_t zx_db_total_length(zx_db *db, zx_err *err)
{
    GUARD_BEGIN
    uint64_t n = db->db().get_total_length();
    ok(err);
    return n;
    GUARD_END(0)
}

zx_status zx_db_get_metadata(zx_db *db, const char *key, char **val, size_t *len, zx_err *err)
{
    GUARD_BEGIN
    std::string v = db->db().get_metadata(key);
    *val = dup_string(v, len);
    if (!*val)
        throw std::bad_alloc();
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

zx_status zx_db_set_metadata(zx_db *db, const char *key, const char *val, size_t len, zx_err *err)
{
    GUARD_BEGIN
    if (!db->writable) {
        set_err(err, ZX_ERR_INVALID, "database is read-only");
        return ZX_ERR_INVALID;
    }
    db->wdb.set_metadata(key, std::string(val, len));
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

unsigned zx_db_find_doc(zx_db *db, const char *term, size_t len, zx_err *err)
{
    GUARD_BEGIN
    Xapian::Database &d = db->db();
    std::string t(term, len);
    Xapian::PostingIterator p = d.postlist_begin(t);
    ok(err);
    return p == d.postlist_end(t) ? 0 : *p;
    GUARD_END(0)
}

zx_doc *zx_db_get_doc(zx_db *db, unsigned docid, zx_err *err)
{
    GUARD_BEGIN
    zx_doc *doc = new zx_doc{db->db().get_document(docid)};
    ok(err);
    return doc;
    GUARD_END(nullptr)
}

zx_status zx_db_each_term(zx_db *db, const char *prefix,
                          int (*cb)(void *, const char *, size_t, unsigned), void *ctx, zx_err *err)
{
    GUARD_BEGIN
    Xapian::Database &d = db->db();
    for (Xapian::TermIterator t = d.allterms_begin(prefix); t != d.allterms_end(prefix); ++t) {
        std::string s = *t;
        if (cb(ctx, s.data(), s.size(), t.get_termfreq()))
            break;
    }
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

zx_status zx_db_each_position(zx_db *db, unsigned docid, const char *term, size_t len,
                              int (*cb)(void *, unsigned), void *ctx, zx_err *err)
{
    GUARD_BEGIN
    Xapian::Database &d = db->db();
    std::string t(term, len);
    for (Xapian::PositionIterator p = d.positionlist_begin(docid, t);
         p != d.positionlist_end(docid, t); ++p)
        if (cb(ctx, *p))
            break;
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

unsigned zx_db_wdf(zx_db *db, unsigned docid, const char *term, size_t len, zx_err *err)
{
    GUARD_BEGIN
    Xapian::Database &d = db->db();
    std::string t(term, len);
    Xapian::PostingIterator p = d.postlist_begin(t);
    p.skip_to(docid);
    unsigned wdf = p != d.postlist_end(t) && *p == docid ? p.get_wdf() : 0;
    ok(err);
    return wdf;
    GUARD_END(0)
}

unsigned zx_db_doclength(zx_db *db, unsigned docid, zx_err *err)
{
    GUARD_BEGIN
    unsigned n = db->db().get_doclength(docid);
    ok(err);
    return n;
    GUARD_END(0)
}

double zx_db_avlength(zx_db *db, zx_err *err)
{
    GUARD_BEGIN
    double n = db->db().get_avlength();
    ok(err);
    return n;
    GUARD_END(0)
}

#define WRITABLE_OR_FAIL(db)                                                                       \
    if (!(db)->writable) {                                                                         \
        set_err(err, ZX_ERR_INVALID, "database is read-only");                                     \
        return ZX_ERR_INVALID;                                                                     \
    }

zx_status zx_db_begin(zx_db *db, zx_err *err)
{
    GUARD_BEGIN
    WRITABLE_OR_FAIL(db)
    db->wdb.begin_transaction(true);
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

zx_status zx_db_commit_transaction(zx_db *db, zx_err *err)
{
    GUARD_BEGIN
    WRITABLE_OR_FAIL(db)
    db->wdb.commit_transaction();
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

zx_status zx_db_cancel(zx_db *db, zx_err *err)
{
    GUARD_BEGIN
    WRITABLE_OR_FAIL(db)
    db->wdb.cancel_transaction();
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

zx_status zx_db_commit(zx_db *db, zx_err *err)
{
    GUARD_BEGIN
    WRITABLE_OR_FAIL(db)
    db->wdb.commit();
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

unsigned zx_db_replace(zx_db *db, const char *term, size_t len, zx_doc *doc, zx_err *err)
{
    GUARD_BEGIN
    if (!db->writable) {
        set_err(err, ZX_ERR_INVALID, "database is read-only");
        return 0;
    }
    unsigned id = db->wdb.replace_document(std::string(term, len), doc->doc);
    ok(err);
    return id;
    GUARD_END(0)
}

zx_status zx_db_delete(zx_db *db, const char *term, size_t len, zx_err *err)
{
    GUARD_BEGIN
    WRITABLE_OR_FAIL(db)
    db->wdb.delete_document(std::string(term, len));
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

static zx_status check_here(const char *path, zx_err *err)
{
    GUARD_BEGIN
    std::ostringstream out;
    check_glass(path);
    size_t errors = Xapian::Database::check(path, 0, &out);
    if (errors) {
        std::string report = out.str();
        set_err(err, ZX_ERR_CORRUPT,
                std::to_string(errors) + " error(s) in the database" +
                    (report.empty() ? std::string() : ": " + report));
        return ZX_ERR_CORRUPT;
    }
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

/* Xapian 1.4's check reads damaged tables without bounds checks and can
 * crash (a termlist with 8 bytes overwritten: SIGSEGV in
 * Database::check_): it runs in a child process, and a crash is reported
 * as the damage it is. */
zx_status zx_db_check(const char *path, zx_err *err)
{
    int fds[2];
    if (pipe(fds) != 0)
        return check_here(path, err);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return check_here(path, err);
    }
    if (pid == 0) {
        close(fds[0]);
        zx_err e;
        zx_status st = check_here(path, &e);
        int code = (int)st;
        if (write(fds[1], &code, sizeof code) == (ssize_t)sizeof code && st != ZX_OK) {
            size_t len = strnlen(e.msg, sizeof e.msg);
            if (write(fds[1], e.msg, len) < 0)
                _exit(1);
        }
        _exit(0);
    }
    close(fds[1]);
    std::string got;
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            got.append(buf, (size_t)n);
    close(fds[0]);
    int wst = 0;
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
        ;
    int code;
    if (WIFEXITED(wst) && WEXITSTATUS(wst) == 0 && got.size() >= sizeof code) {
        memcpy(&code, got.data(), sizeof code);
        if (code == ZX_OK) {
            ok(err);
            return ZX_OK;
        }
        set_err(err, (zx_status)code, got.substr(sizeof code));
        return (zx_status)code;
    }
    std::string why = WIFSIGNALED(wst) ? std::string("crashed (") + strsignal(WTERMSIG(wst)) + ")"
                                       : std::string("failed");
    set_err(err, ZX_ERR_CORRUPT,
            "Xapian's consistency check " + why + " reading the database: a table is damaged");
    return ZX_ERR_CORRUPT;
}

zx_status zx_db_compact(const char *src, const char *dst, zx_err *err)
{
    GUARD_BEGIN
    check_glass(src);
    Xapian::Database d(src);
    d.compact(dst, Xapian::DBCOMPACT_NO_RENUMBER);
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

zx_status zx_db_merge(const char *const *srcs, size_t n, const char *dst, zx_err *err)
{
    GUARD_BEGIN
    Xapian::Database d;
    for (size_t i = 0; i < n; i++) {
        check_glass(srcs[i]);
        d.add_database(Xapian::Database(srcs[i]));
    }
    d.compact(dst, n > 3 ? Xapian::DBCOMPACT_MULTIPASS : 0);
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

/* ---- documents ---- */

zx_doc *zx_doc_new(void)
{
    try {
        return new zx_doc;
    } catch (...) {
        return nullptr;
    }
}

void zx_doc_free(zx_doc *doc)
{
    delete doc;
}

zx_status zx_doc_add_term(zx_doc *doc, const char *t, size_t len, unsigned wdf)
{
    try {
        doc->doc.add_term(std::string(t, len), wdf);
        return ZX_OK;
    } catch (...) {
        return translate(nullptr);
    }
}

zx_status zx_doc_add_posting(zx_doc *doc, const char *t, size_t len, unsigned pos)
{
    try {
        doc->doc.add_posting(std::string(t, len), pos);
        return ZX_OK;
    } catch (...) {
        return translate(nullptr);
    }
}

zx_status zx_doc_add_boolean(zx_doc *doc, const char *t, size_t len)
{
    try {
        doc->doc.add_boolean_term(std::string(t, len));
        return ZX_OK;
    } catch (...) {
        return translate(nullptr);
    }
}

zx_status zx_doc_set_value(zx_doc *doc, unsigned slot, const char *v, size_t len)
{
    try {
        doc->doc.add_value(slot, std::string(v, len));
        return ZX_OK;
    } catch (...) {
        return translate(nullptr);
    }
}

zx_status zx_doc_set_data(zx_doc *doc, const char *d, size_t len)
{
    try {
        doc->doc.set_data(std::string(d, len));
        return ZX_OK;
    } catch (...) {
        return translate(nullptr);
    }
}

char *zx_doc_value(zx_doc *doc, unsigned slot, size_t *len, zx_err *err)
{
    GUARD_BEGIN
    char *v = dup_string(doc->doc.get_value(slot), len);
    if (!v)
        throw std::bad_alloc();
    ok(err);
    return v;
    GUARD_END(nullptr)
}

char *zx_doc_data(zx_doc *doc, size_t *len, zx_err *err)
{
    GUARD_BEGIN
    char *d = dup_string(doc->doc.get_data(), len);
    if (!d)
        throw std::bad_alloc();
    ok(err);
    return d;
    GUARD_END(nullptr)
}

unsigned zx_doc_termcount(zx_doc *doc, zx_err *err)
{
    GUARD_BEGIN
    unsigned n = doc->doc.termlist_count();
    ok(err);
    return n;
    GUARD_END(0)
}

/* ---- queries ---- */

zx_query *zx_q_term(const char *t, size_t len, unsigned wqf, unsigned pos)
{
    try {
        return wrap(Xapian::Query(std::string(t, len), wqf, pos));
    } catch (...) {
        return nullptr;
    }
}

zx_query *zx_q_match_all(void)
{
    try {
        return wrap(Xapian::Query::MatchAll);
    } catch (...) {
        return nullptr;
    }
}

zx_query *zx_q_match_nothing(void)
{
    try {
        return wrap(Xapian::Query::MatchNothing);
    } catch (...) {
        return nullptr;
    }
}

zx_query *zx_q_combine(zx_op op, zx_query *const *subs, size_t n, unsigned window)
{
    try {
        std::vector<Xapian::Query> v, vs;
        v.reserve(n);
        vs.reserve(n);
        for (size_t i = 0; i < n; i++) {
            if (!subs[i])
                return nullptr;
            v.push_back(subs[i]->q);
            vs.push_back(subs[i]->safe);
        }
        if (op == ZX_OP_AND_NOT || op == ZX_OP_FILTER || op == ZX_OP_AND_MAYBE) {
            // Left-associative binary operators over the list.  The safe
            // form of FILTER weighs its right side a little; AND_NOT keeps
            // an unweighted right side, which Xapian only ever moves with
            // skip_to, and skip_to looks chunks up by the term's own name.
            if (v.empty())
                return nullptr;
            Xapian::Query q = v[0], safe = vs[0];
            Xapian::Query::op xop = static_cast<Xapian::Query::op>(op);
            for (size_t i = 1; i < v.size(); i++) {
                q = Xapian::Query(xop, q, v[i]);
                safe = op == ZX_OP_FILTER ? Xapian::Query(Xapian::Query::OP_AND, safe, tiny(vs[i]))
                                          : Xapian::Query(xop, safe, vs[i]);
            }
            return wrap(q, safe);
        }
        // Only the positional operators take a window; others must get 0.
        Xapian::termcount param = 0;
        if (op == ZX_OP_PHRASE || op == ZX_OP_NEAR)
            param = window ? window : static_cast<Xapian::termcount>(n);
        Xapian::Query::op xop = static_cast<Xapian::Query::op>(op);
        return wrap(Xapian::Query(xop, v.begin(), v.end(), param),
                    Xapian::Query(xop, vs.begin(), vs.end(), param));
    } catch (...) {
        return nullptr;
    }
}

zx_query *zx_q_scale(const zx_query *q, double factor)
{
    try {
        if (!q)
            return nullptr;
        return wrap(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->q, factor),
                    Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q->safe, factor ? factor : TINY));
    } catch (...) {
        return nullptr;
    }
}

zx_query *zx_q_value_range(unsigned slot, const char *lo, const char *hi)
{
    try {
        if (lo && hi)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi));
        if (lo)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo));
        if (hi)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi));
        return wrap(Xapian::Query::MatchAll);
    } catch (...) {
        return nullptr;
    }
}

zx_query *zx_q_value_table(unsigned slot, const double *weights, size_t n, double default_weight)
{
    try {
        // No term: the safe form is the query itself.
        std::unique_ptr<ValueTableSource> src(new ValueTableSource(slot, weights, n, default_weight));
        Xapian::Query q(src.release()->release());
        return wrap(q);
    } catch (...) {
        return nullptr;
    }
}

zx_query *zx_q_copy(const zx_query *q)
{
    try {
        return q ? wrap(q->q, q->safe) : nullptr;
    } catch (...) {
        return nullptr;
    }
}

int zx_q_empty(const zx_query *q)
{
    return !q || q->q.empty();
}

char *zx_q_describe(const zx_query *q)
{
    try {
        return q ? dup_string(q->q.get_description(), nullptr) : nullptr;
    } catch (...) {
        return nullptr;
    }
}

void zx_q_free(zx_query *q)
{
    delete q;
}

/* ---- searching ---- */

zx_enquire *zx_enquire_new(zx_db *db, zx_err *err)
{
    GUARD_BEGIN
    zx_enquire *e = new zx_enquire(db);
    ok(err);
    return e;
    GUARD_END(nullptr)
}

void zx_enquire_free(zx_enquire *e)
{
    try {
        delete e;
    } catch (...) {
    }
}

zx_status zx_enquire_set_query(zx_enquire *e, const zx_query *q, zx_err *err)
{
    GUARD_BEGIN
    e->q = q->q;
    e->safe = q->safe;
    e->use_safe = -1;
    e->enq.set_query(q->q);
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

zx_status zx_enquire_set_bm25(zx_enquire *e, double k1, double k2, double k3, double b,
                              double min_normlen, zx_err *err)
{
    GUARD_BEGIN
    double p[5] = {k1, k2, k3, b, min_normlen};
    memcpy(e->bm25, p, sizeof p);
    e->enq.set_weighting_scheme(Xapian::BM25Weight(k1, k2, k3, b, min_normlen));
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

zx_status zx_enquire_set_sort(zx_enquire *e, int slot, int reverse, zx_err *err)
{
    GUARD_BEGIN
    if (slot < 0)
        e->enq.set_sort_by_relevance();
    else
        e->enq.set_sort_by_value_then_relevance(static_cast<Xapian::valueno>(slot), reverse != 0);
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

int zx_enquire_add_facet(zx_enquire *e, unsigned slot, zx_err *err)
{
    GUARD_BEGIN
    std::unique_ptr<Xapian::ValueCountMatchSpy> spy(new Xapian::ValueCountMatchSpy(slot));
    e->spies.push_back(spy.get());
    spy.release();
    e->enq.add_matchspy(e->spies.back());
    ok(err);
    return static_cast<int>(e->spies.size()) - 1;
    GUARD_END(-1)
}

zx_mset *zx_enquire_mset(zx_enquire *e, unsigned first, unsigned max, unsigned check_at_least,
                         zx_err *err)
{
    GUARD_BEGIN
    e->enq.set_query(e->safe_form() ? e->safe : e->q);
    zx_mset *m = new zx_mset{e->enq.get_mset(first, max, check_at_least)};
    ok(err);
    return m;
    GUARD_END(nullptr)
}

zx_status zx_enquire_count(zx_enquire *e, unsigned *count, zx_err *err)
{
    GUARD_BEGIN
    Xapian::Enquire counter(e->db->db());
    if (e->safe_form()) {
        counter.set_query(e->safe);
        const double *p = e->bm25;
        counter.set_weighting_scheme(Xapian::BM25Weight(p[0], p[1], p[2], p[3], p[4]));
    } else {
        counter.set_query(e->q);
        counter.set_weighting_scheme(Xapian::BoolWeight());
    }
    Xapian::doccount all = e->db->db().get_doccount();
    Xapian::MSet m = counter.get_mset(0, 0, all);
    *count = m.get_matches_estimated();
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

zx_status zx_enquire_each_facet(zx_enquire *e, int spy,
                                int (*cb)(void *, const char *, size_t, unsigned), void *ctx,
                                zx_err *err)
{
    GUARD_BEGIN
    if (spy < 0 || static_cast<size_t>(spy) >= e->spies.size()) {
        set_err(err, ZX_ERR_INVALID, "no such facet");
        return ZX_ERR_INVALID;
    }
    Xapian::ValueCountMatchSpy *s = e->spies[static_cast<size_t>(spy)];
    // Ask for exactly as many values as were seen: Xapian reserves room for
    // the number asked.
    Xapian::doccount distinct = 0;
    for (Xapian::TermIterator t = s->values_begin(); t != s->values_end(); ++t)
        distinct++;
    for (Xapian::TermIterator t = s->top_values_begin(distinct); t != s->top_values_end(distinct); ++t) {
        std::string v = *t;
        if (cb(ctx, v.data(), v.size(), t.get_termfreq()))
            break;
    }
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

zx_status zx_enquire_matching_terms(zx_enquire *e, unsigned docid,
                                    int (*cb)(void *, const char *, size_t), void *ctx, zx_err *err)
{
    GUARD_BEGIN
    for (Xapian::TermIterator t = e->enq.get_matching_terms_begin(docid);
         t != e->enq.get_matching_terms_end(docid); ++t) {
        std::string s = *t;
        if (cb(ctx, s.data(), s.size()))
            break;
    }
    ok(err);
    return ZX_OK;
    GUARD_END_ST
}

void zx_mset_free(zx_mset *m)
{
    delete m;
}

unsigned zx_mset_size(const zx_mset *m)
{
    return m ? m->mset.size() : 0;
}

unsigned zx_mset_total(const zx_mset *m, int *exact)
{
    if (exact)
        *exact = m->mset.get_matches_lower_bound() == m->mset.get_matches_upper_bound();
    return m->mset.get_matches_estimated();
}

unsigned zx_mset_docid(const zx_mset *m, unsigned i)
{
    try {
        return *m->mset[i];
    } catch (...) {
        return 0;
    }
}

double zx_mset_weight(const zx_mset *m, unsigned i)
{
    try {
        return m->mset[i].get_weight();
    } catch (...) {
        return 0;
    }
}

zx_doc *zx_mset_doc(zx_mset *m, unsigned i, zx_err *err)
{
    GUARD_BEGIN
    zx_doc *d = new zx_doc{m->mset[i].get_document()};
    ok(err);
    return d;
    GUARD_END(nullptr)
}

} // extern "C"
