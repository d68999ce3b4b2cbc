"""The studies behind the paper: one module per study, each exposing ``STUDY`` (see :mod:`isinghop.study`)."""
