"""Many records: batch input lines, the worker pool that estimates them, and Dask."""
