// A second process for busy-database tests: takes SQLite's write lock on argv[2] with
// BEGIN IMMEDIATE, writes a row, prints "locked", holds the lock argv[3] ms, commits.
import Database from 'better-sqlite3';

const [file, ms] = process.argv.slice(2);
const db = new Database(file);
db.pragma('busy_timeout = 5000');
db.exec('BEGIN IMMEDIATE');
db.prepare("INSERT INTO meta (key, value) VALUES ('probe', 'x') ON CONFLICT (key) DO UPDATE SET value = 'y'").run();
process.stdout.write('locked\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(ms));
db.exec('COMMIT');
db.close();
