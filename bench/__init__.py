"""The benchmark (`depeche bench`, `depeche bench-near`, `make profile`): run from a checkout, never shipped in the image."""
