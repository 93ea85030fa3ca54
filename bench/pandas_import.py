#!/usr/bin/env python3
"""The peer for `ruta import gcdf`: pandas read_csv + DataFrame.to_sql into SQLite.

usage: pandas_import.py CSV DB"""
import sqlite3
import sys

import pandas as pd

csv_path, db = sys.argv[1], sys.argv[2]
df = pd.read_csv(csv_path, low_memory=False)
con = sqlite3.connect(db)
df.to_sql("gcdf", con, if_exists="replace", index=False, chunksize=50_000)
con.commit()
con.close()
print(f"{len(df)} rows", file=sys.stderr)
