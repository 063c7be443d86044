"""``python -m antaeus.cli``: the same command as ``antaeus``."""
import sys

from .main import main

sys.exit(main())
