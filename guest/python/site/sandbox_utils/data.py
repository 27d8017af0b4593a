"""sandbox_utils.data - grouping, filtering, mapping, sorting, de-duplicating
and chunking lists of records (dicts, tuples or objects). The `key` rule
(callable, item[key], getattr, or a list of keys) is implemented once here
in _key_func and described in the package docstring."""
import itertools
from collections.abc import Mapping, Sequence

_MISSING = object()


def _lookup(item, key):
    """Return item[key], or getattr(item, key) for objects that are neither
    mappings nor sequences (so a dict's methods are never picked); KeyError naming
    the key and the item when neither exists."""
    try:
        return item[key]
    except (KeyError, IndexError, TypeError):
        pass
    if isinstance(key, str) and not isinstance(item, (Mapping, Sequence)):
        value = getattr(item, key, _MISSING)
        if value is not _MISSING:
            return value
    raise KeyError(f"key {key!r} not found in item {item!r}")


def _key_func(key, allow_many=True):
    """Turn a key (callable, field name or index, or a list/tuple of those)
    into a function of one item."""
    if callable(key):
        return key
    if allow_many and isinstance(key, (list, tuple)):
        parts = [_key_func(k, allow_many=False) for k in key]
        return lambda item: tuple(part(item) for part in parts)
    return lambda item: _lookup(item, key)


def group_by(items, key_func):
    """Group items by their key value: returns a dict {key value: [items]},
    in the order each key value first appears. key_func is a callable or a
    key (see the package docstring); a list of keys groups by a tuple.
    Example: group_by(rows, "city") -> {"Oslo": [...], "Rome": [...]};
             group_by(words, len)
    """
    func = _key_func(key_func)
    groups = {}
    for item in items:
        groups.setdefault(func(item), []).append(item)
    return groups


def filter_by(items, predicate=None, **fields):
    """Return the items that pass every condition, in order.

    `predicate` is a callable (kept when it returns true) or a dict of
    {field: expected}. Keyword arguments add {field: expected} conditions.
    An expected value that is callable is called with the item's field
    value instead of being compared. Items missing a field are dropped.
    Examples: filter_by(rows, city="Oslo");
              filter_by(rows, age=lambda a: a >= 18);
              filter_by(rows, lambda r: r["price"] < 10)
    """
    conditions = dict(fields)
    if isinstance(predicate, dict):
        conditions.update(predicate)
        predicate = None
    elif predicate is not None and not callable(predicate):
        raise TypeError(f"filter_by: predicate must be a callable or a dict, got {predicate!r}")

    def keep(item):
        """True when item passes the predicate and every field condition."""
        if predicate is not None and not predicate(item):
            return False
        for field, expected in conditions.items():
            try:
                value = _lookup(item, field)
            except KeyError:
                return False
            if callable(expected):
                if not expected(value):
                    return False
            elif value != expected:
                return False
        return True

    return [item for item in items if keep(item)]


def map_items(items, transform):
    """Return [transform(item) for each item]. `transform` may also be a key
    (a field name or index), which picks that field from every item.
    Example: map_items(rows, "name") -> ["Ann", "Bob"]
    """
    return [_key_func(transform, allow_many=False)(item) for item in items]


def sort_by(items, key_func, reverse=False):
    """Return the items sorted by key_func, a callable or a key (a stable
    sort: equal keys keep their order, also with reverse=True). A list of
    keys sorts by each in turn.
    Example: sort_by(rows, ["city", "age"], reverse=True); sort_by(words, len)
    """
    return sorted(items, key=_key_func(key_func), reverse=reverse)


def unique(items, key=None):
    """Return the items without duplicates, keeping the first of each and
    the original order. With `key`, items are duplicates when their keys
    are equal. Works for unhashable items (dicts, lists) too.
    Example: unique([3, 1, 3, 2]) -> [3, 1, 2]
    """
    func = _key_func(key) if key is not None else (lambda item: item)
    seen_hashable = set()
    seen_other = []
    result = []
    for item in items:
        marker = func(item)
        try:
            if marker in seen_hashable:
                continue
            seen_hashable.add(marker)
        except TypeError:  # unhashable: compare by equality
            if marker in seen_other:
                continue
            seen_other.append(marker)
        result.append(item)
    return result


def chunk(items, size):
    """Return an iterator over lists of `size` items (the last may be
    shorter); items may be any iterable, read as the chunks are taken.
    Example: list(chunk([1, 2, 3, 4, 5], 2)) -> [[1, 2], [3, 4], [5]];
             for batch in chunk(rows, 100): ...
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"chunk: size must be a positive integer, got {size!r}")
    return _chunks(iter(items), size)


def _chunks(iterator, size):
    """The generator behind chunk()."""
    while True:
        batch = list(itertools.islice(iterator, size))
        if not batch:
            return
        yield batch
