const path = require('path');

// DATABASE_CLIENT picks the database: sqlite (default), postgres or mysql (MariaDB too).
// DATABASE_URL, or the DATABASE_HOST/PORT/NAME/USERNAME/PASSWORD variables, say where it is.
// PLAYGROUND_SQLITE_WAL=true (the benchmark's --sqlite-journal wal) runs SQLite with journal_mode=WAL and
// synchronous=NORMAL, set on each new connection; otherwise SQLite keeps its defaults (rollback journal, FULL).
module.exports = ({ env }) => {
  const client = env('DATABASE_CLIENT', 'sqlite');
  const url = env('DATABASE_URL', '');
  const pool = { min: 0, max: env.int('DATABASE_POOL_MAX', 10) };
  // better-sqlite3's connection; Strapi runs its own setup (foreign_keys) first, then this.
  const sqliteWal = {
    afterCreate(conn, done) {
      conn.pragma('journal_mode = WAL');
      conn.pragma('synchronous = NORMAL');
      done(null, conn);
    },
  };

  const connections = {
    sqlite: {
      connection: { filename: path.resolve(__dirname, '..', env('DATABASE_FILENAME', '.tmp/data.db')) },
      useNullAsDefault: true,
      ...(env.bool('PLAYGROUND_SQLITE_WAL', false) ? { pool: sqliteWal } : {}),
    },
    postgres: {
      connection: url
        ? { connectionString: url }
        : {
            host: env('DATABASE_HOST', '127.0.0.1'),
            port: env.int('DATABASE_PORT', 5432),
            database: env('DATABASE_NAME', 'strapi'),
            user: env('DATABASE_USERNAME', 'postgres'),
            password: env('DATABASE_PASSWORD', ''),
            schema: env('DATABASE_SCHEMA', 'public'),
          },
      pool,
    },
    mysql: {
      connection: url
        ? { uri: url }
        : {
            host: env('DATABASE_HOST', '127.0.0.1'),
            port: env.int('DATABASE_PORT', 3306),
            database: env('DATABASE_NAME', 'strapi'),
            user: env('DATABASE_USERNAME', 'root'),
            password: env('DATABASE_PASSWORD', ''),
          },
      pool,
    },
  };

  if (!connections[client]) {
    throw new Error(`DATABASE_CLIENT must be sqlite, postgres or mysql, not "${client}".`);
  }
  return {
    connection: {
      client,
      ...connections[client],
      acquireConnectionTimeout: env.int('DATABASE_CONNECTION_TIMEOUT', 60000),
    },
  };
};
