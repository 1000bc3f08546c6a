/**
 * A real S3-protocol server for tests: s3rver (in-process, files under a temporary directory),
 * reached through @aws-sdk/client-s3 exactly as S3 is (signed requests, path-style URLs on a
 * loopback IP). s3rver checks signatures against its one account, S3RVER/S3RVER, so clients
 * and functions under test use those credentials.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** The credentials s3rver accepts. */
export const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** A running S3 server. */
export interface LocalS3 {
  endpoint: string;
  /** A client for it (its middleware stack is where tests inject faults). */
  client(): S3Client;
  /** Creates a bucket with a fresh name and returns the name. */
  bucket(prefix?: string): Promise<string>;
  close(): Promise<void>;
}

/** Starts s3rver on a free loopback port. */
export async function startS3(): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), 'kk-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port } = (await server.run()) as { port: number };
  const endpoint = `http://127.0.0.1:${port}`;
  const client = () =>
    new S3Client({ endpoint, region: 'eu-west-1', credentials: S3_CREDENTIALS, forcePathStyle: true });
  const admin = client();
  let n = 0;
  return {
    endpoint,
    client,
    async bucket(prefix = 'b') {
      const name = `${prefix}-${process.pid}-${++n}-${Math.random().toString(36).slice(2, 8)}`;
      await admin.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
