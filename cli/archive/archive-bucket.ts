/** Reading the archive bucket: one paginated listing per hourly partition, never the whole bucket. */
import {
  GetObjectCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { mapWithConcurrency } from '../shared/concurrency';
import { CliError } from '../shared/errors';
import { decodeObject } from './gzip';
import { partitionPrefix } from './partitions';

/** Requests in flight at once: enough to hide latency, few enough to stay far from S3's request rates. */
export const CONCURRENCY = 8;

export interface ArchiveObject {
  key: string;
  size: number;
  lastModified?: Date | undefined;
}

export interface Encryption {
  /** `aws:kms`, `aws:kms:dsse`, `AES256`, or undefined when the object is not encrypted at rest. */
  algorithm?: string | undefined;
  kmsKeyId?: string | undefined;
  bucketKeyEnabled?: boolean | undefined;
}

/** An object's content, or why it could not be decoded (an S3 failure is thrown instead). */
export type ReadResult = { content: Buffer } | { problem: string };

export class ArchiveBucket {
  constructor(
    private readonly s3: S3Client,
    readonly name: string,
  ) {}

  /** Every object under one prefix, in key order. */
  async listPrefix(prefix: string): Promise<ArchiveObject[]> {
    const objects: ArchiveObject[] = [];
    for await (const page of paginateListObjectsV2(
      { client: this.s3 },
      { Bucket: this.name, Prefix: prefix },
    )) {
      for (const { Key, Size, LastModified } of page.Contents ?? []) {
        if (Key) objects.push({ key: Key, size: Size ?? 0, lastModified: LastModified });
      }
    }
    return objects;
  }

  /** The objects of the given hours under `prefix` (`orders/`), oldest hour first. */
  async listPartitions(prefix: string, hours: readonly Date[]): Promise<ArchiveObject[]> {
    const listings = await mapWithConcurrency(hours, CONCURRENCY, (hour) =>
      this.listPrefix(partitionPrefix(prefix, hour)),
    );
    return listings.flat();
  }

  /** The folders right under `prefix`: the error output types under `errors/` (`processing-failed`, ...). */
  async listFolders(prefix: string): Promise<string[]> {
    const folders: string[] = [];
    const pages = paginateListObjectsV2(
      { client: this.s3 },
      { Bucket: this.name, Prefix: prefix, Delimiter: '/' },
    );
    for await (const page of pages) {
      for (const { Prefix } of page.CommonPrefixes ?? []) {
        if (Prefix) folders.push(Prefix.slice(prefix.length).replace(/\/$/, ''));
      }
    }
    return folders;
  }

  async encryptionOf(key: string): Promise<Encryption> {
    const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.name, Key: key }));
    return {
      algorithm: head.ServerSideEncryption,
      kmsKeyId: head.SSEKMSKeyId,
      bucketKeyEnabled: head.BucketKeyEnabled,
    };
  }

  /** The raw bytes of an object, as stored. */
  async download(key: string): Promise<Uint8Array> {
    const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: this.name, Key: key }));
    return Body ? Body.transformToByteArray() : new Uint8Array();
  }

  /** The content of an object: downloaded and gunzipped when it is gzip. */
  async read(key: string): Promise<Buffer> {
    return decodeObject(key, await this.download(key));
  }

  /** Like `read`, but an object that cannot be decoded (not valid gzip) is a problem to report, not a failure. */
  async tryRead(key: string): Promise<ReadResult> {
    try {
      return { content: await this.read(key) };
    } catch (error) {
      if (error instanceof CliError) return { problem: error.message };
      throw error;
    }
  }
}
