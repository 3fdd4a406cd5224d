import { gzipSync } from 'node:zlib';
import { decodeObject, isGzip, startsWithGzipMagic } from '../../../../cli/archive/gzip';
import { CliError } from '../../../../cli/shared/errors';

const LINES = '{"id":"o-1"}\n{"id":"o-2"}\n';

describe('recognising gzip objects', () => {
  it('recognises the gzip magic bytes', () => {
    expect(startsWithGzipMagic(gzipSync(LINES))).toBe(true);
    expect(startsWithGzipMagic(Buffer.from(LINES))).toBe(false);
    expect(startsWithGzipMagic(Uint8Array.of(0x1f))).toBe(false);
    expect(startsWithGzipMagic(new Uint8Array())).toBe(false);
  });

  it('treats an object as gzip when its key ends with .gz or its bytes start with the magic', () => {
    expect(isGzip('orders/2026/11/21/10/s-1-x.gz', Buffer.from(LINES))).toBe(true);
    expect(isGzip('orders/2026/11/21/10/s-1-x.GZ', Buffer.from(LINES))).toBe(true);
    expect(isGzip('orders/2026/11/21/10/s-1-x', gzipSync(LINES))).toBe(true);
    expect(isGzip('orders/2026/11/21/10/s-1-x', Buffer.from(LINES))).toBe(false);
  });
});

describe('decoding an archive object', () => {
  it('gunzips a gzip object, whatever its name', async () => {
    expect((await decodeObject('a.gz', gzipSync(LINES))).toString()).toBe(LINES);
    expect((await decodeObject('a', gzipSync(LINES))).toString()).toBe(LINES);
  });

  it('gunzips every member of a multi-member gzip object', async () => {
    const twoMembers = Buffer.concat([gzipSync('{"id":"o-1"}\n'), gzipSync('{"id":"o-2"}\n')]);
    expect((await decodeObject('a.gz', twoMembers)).toString()).toBe(LINES);
  });

  it('returns an uncompressed object as stored', async () => {
    expect((await decodeObject('a.json', Buffer.from(LINES))).toString()).toBe(LINES);
  });

  it('names an object whose key says gzip but whose bytes are not', async () => {
    await expect(decodeObject('orders/x.gz', Buffer.from(LINES))).rejects.toThrow(CliError);
    await expect(decodeObject('orders/x.gz', Buffer.from(LINES))).rejects.toThrow(
      /^orders\/x.gz is not valid gzip/,
    );
  });
});
