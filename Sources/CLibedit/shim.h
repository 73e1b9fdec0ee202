// libedit's readline-compatible API (Debian: libedit-dev, BSD licence).
#include <stdio.h>
#include <editline/readline.h>
