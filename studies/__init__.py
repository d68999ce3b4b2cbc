"""The studies behind the paper, installed as ``isinghop.studies``: one module per study, each exposing
``STUDY`` (see :mod:`isinghop.runtime.declaration`). Other packages add studies through the entry-point group
``isinghop.studies`` (an entry names a Study, or a module with ``STUDY``)."""
