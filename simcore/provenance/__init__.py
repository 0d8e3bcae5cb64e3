"""Where numbers come from: the fact registry in ``seeds/`` and ``sim trace``."""
