"""Type stubs of zhsearch, the Python module over libzhsearch."""

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Literal, Self, final, overload

from typing_extensions import Buffer

_Path = str | bytes | os.PathLike[str] | os.PathLike[bytes]
_Sort = Literal["relevance", "date", "date-desc", "-date"]
_Event = Literal["added", "updated", "unchanged", "removed", "failed", "page", "commit"]
_FieldFlag = Literal["text", "range", "facet", "hit", "brief", "number", "exact", "boolean"]

version: str
__version__: str
version_number: int

def fields() -> dict[str, frozenset[_FieldFlag]]:
    """The fields of the index's documents, each with what it is and does."""

class Error(Exception):
    """Base class of the errors of zhsearch; .status is the library's status code."""
    status: int | None

class OpenError(Error, OSError): ...
class SchemeError(Error): ...
class QuerySyntaxError(Error, ValueError): ...
class QueryEmptyError(Error, ValueError): ...
class QueryLimitError(Error, ValueError): ...
class CorruptError(Error): ...
class ModifiedError(Error): ...
class ReadError(Error, OSError): ...
class NetworkError(Error): ...
class InvalidArgumentError(Error, ValueError): ...
class InternalError(Error): ...
class LockedError(Error): ...
class NotIndexableError(Error): ...
class CancelledError(Error): ...
class NotFoundError(Error, LookupError): ...

@final
class Match:
    """One occurrence of the query in a hit (Hit.matches)."""
    @property
    def context(self) -> str:
        """left + text + right: the match with up to N characters each side."""
    @property
    def start(self) -> int:
        """In characters of context: context[start:start + length] == text."""
    @property
    def length(self) -> int: ...
    @property
    def text(self) -> str:
        """The matched text."""
    @property
    def left(self) -> str: ...
    @property
    def right(self) -> str: ...
    @property
    def page(self) -> int:
        """1-based; 0 for unpaged documents."""
    @property
    def offset(self) -> int:
        """Byte offset in the UTF-8 of the stored text (Index.document(path).text.encode())."""
    @property
    def query_word(self) -> str:
        """The word or phrase of the query it matches, as typed."""

@final
class Hit:
    """One hit of a search (read-only attributes)."""
    @property
    def path(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def snippet(self) -> str: ...
    @property
    def highlights(self) -> list[tuple[int, int]]:
        """(start, length) in characters: snippet[start:start + length] is a match."""
    @property
    def page(self) -> int: ...
    @property
    def rank(self) -> int: ...
    @property
    def score(self) -> float: ...
    @property
    def fields(self) -> dict[str, str | int | bool]: ...
    @property
    def explain(self) -> str | None: ...
    @property
    def matches(self) -> list[Match]:
        """Every occurrence of the query in the document (search(..., matches=N)), else []."""

@final
class Results:
    """A sequence of Hit with the total and facets of the whole match."""
    @property
    def hits(self) -> list[Hit]: ...
    @property
    def total(self) -> int: ...
    @property
    def facets(self) -> dict[str, dict[str, int]]: ...
    @property
    def normalized(self) -> str: ...
    @property
    def explain(self) -> str | None: ...
    @property
    def seconds(self) -> float: ...
    @property
    def shards_skipped(self) -> int: ...
    @property
    def partial(self) -> bool: ...
    @property
    def occurrences(self) -> int:
        """Occurrences of the query in all matching documents (occurrences=True), else 0."""
    @property
    def suggestions(self) -> list[tuple[str, int]]:
        """(query, documents) variants that the index has (suggest=N), most first."""
    @property
    def expanded(self) -> dict[str, list[str]]:
        """Synonym expansions: word as typed -> members of its group ([] when none)."""
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Hit]: ...
    @overload
    def __getitem__(self, key: int) -> Hit: ...
    @overload
    def __getitem__(self, key: slice) -> list[Hit]: ...

@final
class Document:
    """One whole indexed document (Index.document())."""
    @property
    def path(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str:
        """The whole stored text, "\\f" between the pages of a paged document."""
    @property
    def highlights(self) -> list[tuple[int, int]]:
        """(start, length) in characters: text[start:start + length] is a match."""
    @property
    def pages(self) -> list[int]:
        """The page of each highlight (0 for unpaged documents)."""
    @property
    def fields(self) -> dict[str, str | int | bool]: ...

class Index:
    """A read-only index; threads may share one, separate ones search in parallel."""
    def __init__(
        self,
        path: _Path | None = None,
        *,
        paths: Iterable[_Path] | None = None,
        timeout: float | None = None,
        partial: bool = False,
    ) -> None: ...
    def search(
        self,
        query: str,
        limit: int | None = 10,
        offset: int | None = 0,
        sort: _Sort | None = "relevance",
        snippet: int | None = 120,
        facets: str | Iterable[str] | None = (),
        explain: bool = False,
        *,
        matches: int | None = 0,
        occurrences: bool = False,
        suggest: int | None = 0,
        expand: bool = False,
    ) -> Results: ...
    def document(self, path: _Path, query: str | None = None) -> Document: ...
    def reopen(self) -> None: ...
    def close(self) -> None: ...
    @property
    def doc_count(self) -> int: ...
    @property
    def shard_count(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]: ...

_Progress = Callable[[_Event, str | None, str | None, int, int], object]

@final
class Writer:
    """Adds, updates and removes documents of an index, holding its lock."""
    def __init__(
        self,
        path: _Path,
        threads: int | None = None,
        batch: int | None = None,
        ocr: bool = False,
        progress: _Progress | None = None,
        *,
        follow: bool = False,
        max_size: int | None = None,
        compact: bool = True,
    ) -> None: ...
    def add(self, path: _Path, /) -> None: ...
    def add_buffer(
        self, name: _Path, data: Buffer, fields: Mapping[str, str | int] | None = None
    ) -> None: ...
    def remove(self, path: _Path, /) -> None: ...
    def sync(self, dir: _Path, /) -> None: ...
    def commit(self) -> None: ...
    def compact(self) -> None: ...
    def cancel(self) -> None: ...
    def close(self) -> None: ...
    @property
    def counts(self) -> dict[str, int]: ...
    @property
    def closed(self) -> bool: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]: ...
