"""One module per sidebar page; each page receives the `Lodestar` façade in `__init__`."""
