//! formats tests (filled in by the module's owner).
