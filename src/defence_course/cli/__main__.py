"""`python -m defence_course.cli`: the same command line as `defence-course`."""

import sys

from defence_course.cli import main

sys.exit(main())
