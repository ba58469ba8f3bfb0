import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../src/contract/errors.ts';
import { configure } from '../../../src/project/db.ts';
import { migrate, schemaVersion } from '../../../src/project/migrate.ts';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from '../../../src/project/migrations/index.ts';
import { listCountSql, listFilter, listIdsSql } from '../../../src/project/repos/images.ts';

function memoryDb(): Database.Database {
  const db = new Database(':memory:');
  configure(db);
  return db;
}

/** a DB migrated to `version − 1`, then by that one step (checked) to `version` */
function steppedTo(version: number): Database.Database {
  const db = memoryDb();
  migrate(db, ':memory:', MIGRATIONS.slice(0, version - 1));
  expect(migrate(db, ':memory:', MIGRATIONS.slice(0, version))).toEqual({ from: version - 1, to: version });
  return db;
}

/** image 1, a 2×2 PNG */
function addImage(db: Database.Database): void {
  db.prepare("INSERT INTO images (id, name, path, hash, size, width, height, format, added_at) VALUES (1, 'a', 'a', 'h', 1, 2, 2, 'png', 'now')").run();
}

function tables(db: Database.Database): string[] {
  return db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
}

function objects(db: Database.Database, type: 'index' | 'trigger'): string[] {
  return db.prepare('SELECT name FROM sqlite_schema WHERE type = ? AND name NOT LIKE ? ORDER BY name').pluck().all(type, 'sqlite_%') as string[];
}

describe('migrations', () => {
  it('001-core creates classes, images, tags, models, jobs and sets user_version 1', () => {
    const db = memoryDb();
    expect(migrate(db, ':memory:', MIGRATIONS.slice(0, 1))).toEqual({ from: 0, to: 1 });
    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).toEqual(['classes', 'image_tags', 'images', 'jobs', 'meta', 'models', 'sqlite_sequence']);
    expect(objects(db, 'index')).toEqual(['image_tags_by_class', 'images_by_name', 'images_by_status_name', 'images_hash', 'images_name_hash', 'images_path', 'jobs_by_status']);
    // constraints are real: class index range, colour format, review status
    expect(() => db.prepare("INSERT INTO classes VALUES (255, 'x', '#000000')").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO classes VALUES (1, 'x', 'red')").run()).toThrow(/CHECK/);
    db.prepare("INSERT INTO classes VALUES (1, 'cat', '#800000')").run();
    const img = db.prepare(
      "INSERT INTO images (name, path, hash, size, width, height, format, added_at) VALUES ('a.jpg', 'a.jpg', 'h', 1, 2, 3, 'jpeg', 'now')",
    );
    const id = Number(img.run().lastInsertRowid);
    expect(db.prepare('SELECT status FROM images WHERE id = ?').pluck().get(id)).toBe('unreviewed');
    expect(() => db.prepare("UPDATE images SET status = 'done' WHERE id = ?").run(id)).toThrow(/CHECK/);
    expect(() => db.prepare('INSERT INTO image_tags VALUES (?, 7)').run(id)).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('002-masks-cams adds versioned masks (immutable rows, frozen kept) and cams on top of 001', () => {
    const db = steppedTo(2);
    expect(tables(db)).toContain('masks');
    expect(tables(db)).toContain('cams');
    expect(objects(db, 'trigger')).toEqual(['masks_frozen_kept', 'masks_immutable', 'masks_stay_frozen']);
    addImage(db);
    const ins = db.prepare("INSERT INTO masks (image_id, png, width, height, source, created_at, current) VALUES (1, x'00', 2, 2, 'generated', 'now', ?)");
    const m1 = Number(ins.run(1).lastInsertRowid);
    expect(() => ins.run(1)).toThrow(/UNIQUE/); // one current version per image
    expect(() => db.prepare("UPDATE masks SET png = x'01' WHERE id = ?").run(m1)).toThrow(/immutable/);
    db.prepare('UPDATE masks SET frozen = 1 WHERE id = ?').run(m1);
    expect(() => db.prepare('UPDATE masks SET frozen = 0 WHERE id = ?').run(m1)).toThrow(/cannot be unfrozen/);
    expect(() => db.prepare('DELETE FROM masks WHERE id = ?').run(m1)).toThrow(/cannot be deleted/);
    expect(() =>
      db.prepare("INSERT INTO cams (image_id, class_idx, model_hash, method, layer, h, w, data, created_at) VALUES (1, 1, 'm', 'rcam', 'layer2', 2, 2, x'0000', 'now')").run(),
    ).toThrow(/CHECK/); // 4 half floats need 8 bytes
    db.close();
  });

  it('003-job-items adds per-image job state whose queries run on its indexes', () => {
    const db = steppedTo(3);
    expect(tables(db)).toContain('job_items');
    expect(objects(db, 'index')).toEqual(expect.arrayContaining(['job_items_by_mask', 'job_items_by_state', 'job_items_image']));
    expect(db.prepare("SELECT name FROM pragma_table_info('jobs') WHERE name = 'rolled_back_at'").pluck().get()).toBe('rolled_back_at');
    addImage(db);
    db.prepare("INSERT INTO jobs (id, kind, params, status, created_at, updated_at) VALUES (1, 'generate', '{}', 'running', 'now', 'now')").run();
    const item = db.prepare('INSERT INTO job_items (job_id, seq, image_id, state) VALUES (1, ?, 1, ?)');
    item.run(0, 'pending');
    expect(() => item.run(1, 'pending')).toThrow(/UNIQUE/); // an image once per job
    expect(() => db.prepare("UPDATE job_items SET state = 'paused'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE job_items SET classes = 'not json'").run()).toThrow(/CHECK/);
    // a job's progress counts, its items in seq order, one image's item, and the FK action when a mask version goes
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
    const counts = plan('SELECT state, count(*) AS n FROM job_items WHERE job_id = 1 GROUP BY state');
    expect(counts).toMatch(/SEARCH job_items USING COVERING INDEX job_items_by_state \(job_id=\?\)/);
    expect(counts).not.toMatch(/TEMP B-TREE/);
    const pending = plan("SELECT * FROM job_items WHERE job_id = 1 AND state IN (SELECT value FROM json_each('[\"pending\"]')) AND seq >= 0 AND seq < 100 ORDER BY seq");
    expect(pending).toMatch(/SEARCH job_items USING PRIMARY KEY \(job_id=\? AND seq>\? AND seq<\?\)/);
    expect(pending).not.toMatch(/TEMP B-TREE/);
    expect(plan('SELECT * FROM job_items WHERE job_id = 1 AND image_id = 1')).toMatch(/SEARCH job_items USING (COVERING )?INDEX job_items_image \(job_id=\? AND image_id=\?\)/);
    expect(plan('UPDATE job_items SET mask_id = NULL WHERE mask_id = 7')).toMatch(/SEARCH job_items USING (COVERING )?INDEX job_items_by_mask \(mask_id=\?\)/);
    db.close();
  });

  it('004-ground-truth moves references from the fake method to their own column, still immutable', () => {
    const db = memoryDb();
    migrate(db, ':memory:', MIGRATIONS.slice(0, 3));
    addImage(db);
    const ins = db.prepare("INSERT INTO masks (image_id, png, width, height, source, method, created_at, current) VALUES (1, x'00', 2, 2, ?, ?, 'now', 0)");
    const gt = Number(ins.run('imported', 'ground-truth').lastInsertRowid);
    const imported = Number(ins.run('imported', null).lastInsertRowid);
    const gen = Number(ins.run('generated', 'rcam').lastInsertRowid);
    expect(migrate(db, ':memory:', MIGRATIONS.slice(0, 4))).toEqual({ from: 3, to: 4 });
    const rows = db.prepare('SELECT id, method, ground_truth FROM masks ORDER BY id').all();
    expect(rows).toEqual([
      { id: gt, method: null, ground_truth: 1 },
      { id: imported, method: null, ground_truth: 0 },
      { id: gen, method: 'rcam', ground_truth: 0 },
    ]);
    expect(objects(db, 'index')).toContain('masks_ground_truth');
    expect(() => db.prepare('UPDATE masks SET ground_truth = 1 WHERE id = ?').run(gen)).toThrow(/immutable/);
    expect(() => db.prepare("UPDATE masks SET method = 'x' WHERE id = ?").run(gen)).toThrow(/immutable/);
    expect(() => db.prepare('UPDATE masks SET ground_truth = 2 WHERE id = ?').run(gen)).toThrow(/immutable|CHECK/);
    db.prepare('UPDATE masks SET current = 1 WHERE id = ?').run(gen); // the working flags still move
    db.close();
  });

  it('005-mask-refine adds the refine record to mask versions, still immutable, the current version still found by its index', () => {
    const db = memoryDb();
    migrate(db, ':memory:', MIGRATIONS.slice(0, 4));
    addImage(db);
    const before = Number(db.prepare("INSERT INTO masks (image_id, png, width, height, source, created_at, current) VALUES (1, x'00', 2, 2, 'generated', 'now', 0)").run().lastInsertRowid);
    expect(migrate(db, ':memory:', MIGRATIONS.slice(0, 5))).toEqual({ from: 4, to: 5 });
    expect(db.prepare('SELECT refine FROM masks WHERE id = ?').pluck().get(before)).toBeNull(); // made from the raw CAMs
    const refined = Number(
      db.prepare("INSERT INTO masks (image_id, png, width, height, source, created_at, current, refine) VALUES (1, x'00', 2, 2, 'generated', 'now', 1, ?)").run('{\"preset\":\"fast\"}').lastInsertRowid,
    );
    expect(db.prepare('SELECT refine FROM masks WHERE id = ?').pluck().get(refined)).toBe('{"preset":"fast"}');
    expect(objects(db, 'trigger')).toEqual(['masks_frozen_kept', 'masks_immutable', 'masks_stay_frozen']);
    expect(() => db.prepare("UPDATE masks SET refine = '{}' WHERE id = ?").run(refined)).toThrow(/immutable/);
    expect(() => db.prepare("UPDATE masks SET png = x'01' WHERE id = ?").run(refined)).toThrow(/immutable/);
    db.prepare('UPDATE masks SET frozen = 1 WHERE id = ?').run(refined); // the working flags still move
    const plan = (db.prepare('EXPLAIN QUERY PLAN SELECT id, refine FROM masks WHERE image_id = 1 AND current = 1').all() as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan).toMatch(/SEARCH masks USING INDEX masks_current \(image_id=\?\)/);
    db.close();
  });

  it('refuses a migration list whose versions skip or repeat a step', () => {
    const db = memoryDb();
    const [first, second] = MIGRATIONS;
    expect(() => migrate(db, 'x.sqlite', [first, { ...second, version: 3 }])).toThrow(/migration 002-masks-cams says version 3 at step 2/);
    expect(() => migrate(db, 'x.sqlite', [first, { ...first }])).toThrow(/migration 001-core says version 1 at step 2/);
    expect(schemaVersion(db)).toBe(0);
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    db.close();
  });

  it('runs all pending migrations in one transaction: a failing step changes nothing', () => {
    const db = memoryDb();
    const broken: Migration = { version: SCHEMA_VERSION + 1, name: '999-broken', up: (d) => d.exec('CREATE TABLE half_done (x); SELECT * FROM no_such_table;') };
    expect(() => migrate(db, 'test.sqlite', [...MIGRATIONS, broken])).toThrow(/test\.sqlite: schema migration failed, nothing was changed/);
    expect(schemaVersion(db)).toBe(0);
    expect(tables(db)).toEqual([]);
    expect(migrate(db, 'test.sqlite')).toEqual({ from: 0, to: SCHEMA_VERSION });
    expect(migrate(db, 'test.sqlite')).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    db.close();
  });

  it('refuses a database written by a newer app, naming the file and both versions', () => {
    const db = memoryDb();
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    let err: unknown;
    try {
      migrate(db, '/p/project.sqlite');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StudioError);
    expect((err as Error).message).toContain('/p/project.sqlite');
    expect((err as Error).message).toContain(`schema version ${SCHEMA_VERSION + 5}`);
    expect((err as Error).message).toContain(`reads up to ${SCHEMA_VERSION}`);
    db.close();
  });
});

describe("the grid's query plan", () => {
  function planOf(db: Database.Database, sql: string, params: unknown[]): string[] {
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
  }

  function seeded(): Database.Database {
    const db = memoryDb();
    migrate(db, ':memory:');
    db.prepare("INSERT INTO classes VALUES (1, 'cat', '#800000'), (2, 'dog', '#008000')").run();
    const img = db.prepare("INSERT INTO images (name, path, hash, size, width, height, format, status, added_at) VALUES (?, ?, ?, 1, 8, 8, 'jpeg', ?, 'now')");
    const tag = db.prepare('INSERT INTO image_tags VALUES (?, ?)');
    const statuses = ['unreviewed', 'generated', 'edited', 'approved', 'rejected'];
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) {
        const id = Number(img.run(`img${i}.jpg`, `img${i}.jpg`, `h${i}`, statuses[i % 5]).lastInsertRowid);
        tag.run(id, 1 + (i % 2));
      }
    })();
    return db;
  }

  it('filters by class and status, orders by name and pages through indexes, without a sort', () => {
    const db = seeded();
    const q = { classIndex: 1, status: 'approved' as const, sort: 'name' as const, offset: 40, limit: 20 };
    const plan = planOf(db, listIdsSql(q), [...listFilter(q).params, q.limit, q.offset]);
    expect(plan.some((d) => /SEARCH i USING (COVERING )?INDEX images_by_status_name \(status=\?\)/.test(d))).toBe(true);
    expect(plan.some((d) => /SEARCH t USING PRIMARY KEY \(image_id=\? AND class_idx=\?\)/.test(d))).toBe(true);
    expect(plan.join('\n')).not.toMatch(/TEMP B-TREE|SCAN i\b/);
    // and the statement returns what it should
    const ids = db.prepare(listIdsSql(q)).pluck().all(...listFilter(q).params, q.limit, q.offset) as number[];
    expect(ids).toHaveLength(20);
    db.close();
  });

  it('orders the unfiltered grid by the name index and the status sort by the status index', () => {
    const db = seeded();
    const byName = { sort: 'name' as const, offset: 0, limit: 50 };
    expect(planOf(db, listIdsSql(byName), [50, 0]).join('\n')).toMatch(/SCAN i USING (COVERING )?INDEX images_by_name/);
    const byStatus = { sort: 'status' as const, offset: 0, limit: 50 };
    const p = planOf(db, listIdsSql(byStatus), [50, 0]).join('\n');
    expect(p).toMatch(/SCAN i USING (COVERING )?INDEX images_by_status_name/);
    expect(p).not.toMatch(/TEMP B-TREE/);
    db.close();
  });
});

describe('the grid count', () => {
  it('counts a class filter from the tag index', () => {
    const db = memoryDb();
    migrate(db, ':memory:');
    const q = { classIndex: 1, status: 'approved' as const, offset: 0, limit: 10 };
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${listCountSql(q)}`).all(...listFilter(q).params) as { detail: string }[]).map((r) => r.detail);
    expect(plan[0]).toMatch(/SEARCH c USING COVERING INDEX image_tags_by_class \(class_idx=\?\)/);
    expect(plan[1]).toMatch(/SEARCH i USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    db.close();
  });
});
