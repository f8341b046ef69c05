"""The papermill engine that executes a notebook in a running ``WarmKernel``.

Apart from ``kernel`` so that a kernel can be launched before papermill is imported.
"""

from __future__ import annotations

import time

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, papermill_engines
from papermill.log import logger

ENGINE = "warm-kernel"


class WarmKernelEngine(Engine):
    """A papermill engine that executes in a ``WarmKernel`` (passed as ``warm_kernel=``)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, *, warm_kernel, deadline: float | None = None,
                                 **kwargs):
        warm_kernel.notebook = nb_man.nb
        client = PapermillNotebookClient(
            nb_man, km=warm_kernel._km, kernel_name=kernel_name, log=logger,
            timeout_func=(lambda cell: max(deadline - time.monotonic(), 0.01)) if deadline else None)
        client.kc = warm_kernel._kc  # reuse the running client: nothing starts, nothing stops
        return client.execute()


papermill_engines.register(ENGINE, WarmKernelEngine)
