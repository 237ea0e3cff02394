"""Shared by the data scripts in bench/: reading from and writing to either backend, named by
its database URL (`postgres://…` through psql, `sqlite://path` through the sqlite3 module)."""

import sqlite3
import subprocess


def q(value):
    """A value as an SQL literal (NULL for None)."""
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


def query(url, sql):
    """The rows of one statement, each a list of strings."""
    if url.startswith("postgres"):
        out = subprocess.run(["psql", "-qAt", url, "-c", sql], check=True, stdout=subprocess.PIPE, text=True).stdout
        return [line.split("|") for line in out.splitlines() if line]
    with sqlite3.connect(url.removeprefix("sqlite://")) as db:
        return [list(map(str, row)) for row in db.execute(sql)]


def run_script(url, sql):
    """Runs statements separated by semicolons; the first that fails stops them (psql's error shown)."""
    if url.startswith("postgres"):
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url], input=sql, check=True, text=True, stdout=subprocess.DEVNULL)
    else:
        with sqlite3.connect(url.removeprefix("sqlite://")) as db:
            db.executescript(sql)


def insert_all(url, statements):
    """Runs the statements in one transaction."""
    run_script(url, "BEGIN;\n" + ";\n".join(statements) + ";\nCOMMIT;\n")
