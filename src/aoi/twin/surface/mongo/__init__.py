"""The mongo 4.4 shell of the twin's mongod containers, split by concept.

`aoi.twin.surface.mongo.shell` is the public face: `run_mongo`, `tojson`, `seeded_collections`.
Inside: `lexer` and `parser` read a JavaScript subset, `evaluate` and `helpers` run it,
`server`, `commands`, `user_commands` and `db_commands` answer server commands, `format`
prints like the shell, `seed` holds the documents, `cli` is the command line.
"""
