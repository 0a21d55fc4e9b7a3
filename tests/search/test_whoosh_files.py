import io
import mmap
import pickle

from hypothesis import given
from hypothesis import strategies as st

from kb.search.whoosh_files import ViewFile

operations = st.lists(st.one_of(
    st.tuples(st.just("read"), st.integers(-1, 40)),
    st.tuples(st.just("readline"), st.integers(-1, 40)),
    st.tuples(st.just("seek"), st.integers(0, 80)),
    st.tuples(st.just("seek_end"), st.integers(-20, 0)),
    st.tuples(st.just("readinto"), st.integers(0, 40)),
), max_size=20)


@given(data=st.binary(max_size=60).map(lambda b: b.replace(b"\x00", b"\n")), steps=operations)
def test_a_view_file_reads_as_a_bytes_file_does(data, steps):
    view, expected = ViewFile(memoryview(data)), io.BytesIO(data)
    for name, argument in steps:
        if name == "seek":
            assert view.seek(argument) == expected.seek(argument)
        elif name == "seek_end":
            assert view.seek(argument, io.SEEK_END) == expected.seek(argument, io.SEEK_END)
        elif name == "readinto":
            mine, theirs = bytearray(argument), bytearray(argument)
            assert view.readinto(mine) == expected.readinto(theirs)
            assert mine == theirs
        else:
            assert getattr(view, name)(argument) == getattr(expected, name)(argument)
        assert view.tell() == expected.tell()


def test_a_pickle_loads_from_a_memory_map_read_in_place(tmp_path):
    path = tmp_path / "segment"
    value = {"terms": ["推流", "keyframe"], "offsets": list(range(300))}
    path.write_bytes(b"header" + pickle.dumps(value))
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        view = ViewFile(memoryview(mm)[6:])
        assert pickle.load(view) == value
        view.close()
