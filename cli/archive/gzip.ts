/** Archive objects are GZIP when the stream compresses (the default): recognised by name or by content. */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { CliError } from '../shared/errors';

const gunzipAsync = promisify(gunzip);

/** RFC 1952: every gzip member starts with 0x1f 0x8b. */
export const GZIP_MAGIC = Uint8Array.of(0x1f, 0x8b);

export const startsWithGzipMagic = (bytes: Uint8Array): boolean =>
  bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];

/** Whether an object is to be gunzipped: its key ends with `.gz` or its bytes start with the gzip magic. */
export const isGzip = (key: string, bytes: Uint8Array): boolean =>
  key.toLowerCase().endsWith('.gz') || startsWithGzipMagic(bytes);

/** The object's content: gunzipped when it is gzip (every member), as stored otherwise. */
export const decodeObject = async (key: string, bytes: Uint8Array): Promise<Buffer> => {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isGzip(key, buffer)) return buffer;
  try {
    return await gunzipAsync(buffer);
  } catch (error) {
    throw new CliError(`${key} is not valid gzip: ${(error as Error).message}`);
  }
};
