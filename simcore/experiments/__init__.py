"""Experiments: running a scenario (:mod:`.runner`), experiments as data (:mod:`.tasks`)
and where they run (:mod:`.executors`)."""

DEFAULT_CHUNK = 8192   # draws per chunk: cache-friendly; results do not depend on it
