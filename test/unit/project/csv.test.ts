import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../src/project/import/csv.ts';

const fields = (text: string) => parseCsv(text, 'tags.csv').map((r) => r.fields);

describe('parseCsv (RFC 4180)', () => {
  it('splits records on LF and CRLF, keeps empty fields, tolerates a BOM and a missing final newline', () => {
    expect(fields('\ufeffimage,tags\r\na.jpg,cat\nb.jpg,\n,x')).toEqual([['image', 'tags'], ['a.jpg', 'cat'], ['b.jpg', ''], ['', 'x']]);
  });

  it('reads quoted fields with commas, doubled quotes and newlines, and numbers records by starting line', () => {
    const recs = parseCsv('image,tags\n"a, b.jpg","say ""hi"""\n"multi\nline.jpg",dog\nlast.jpg,cat\n', 'tags.csv');
    expect(recs.map((r) => [r.line, ...r.fields])).toEqual([
      [1, 'image', 'tags'],
      [2, 'a, b.jpg', 'say "hi"'],
      [3, 'multi\nline.jpg', 'dog'],
      [5, 'last.jpg', 'cat'],
    ]);
  });

  it('skips blank lines but keeps a record of one empty quoted field', () => {
    expect(fields('a\n\n""\n')).toEqual([['a'], ['']]);
  });

  it('names the file and line of an unclosed quote or a stray quote', () => {
    expect(() => parseCsv('image,tags\nx.jpg,"cat\n', 'tags.csv')).toThrow('tags.csv:2: a quoted field is never closed');
    expect(() => parseCsv('image,tags\nx.jpg,ca"t\n', 'tags.csv')).toThrow('tags.csv:2: a quote inside an unquoted field');
  });
});
