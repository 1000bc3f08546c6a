/**
 * The deployed artifacts, not only the source: the stack is synthesized WITH bundling (the local
 * esbuild, as `cdk deploy` does), and every Lambda function in the template runs as its bundled
 * asset in its own Node process, with exactly the environment variables the template gives it
 * (references replaced by local resources: tables on DynamoDB Local created from the template's
 * key schema, secrets on a Secrets Manager stand-in) plus what the Lambda runtime sets. Requests
 * are routed by the template's HTTP API routes; stream records reach the indexer through its event
 * source mapping. The walkthrough drives every route the README shows.
 *
 * This is the only test that bundles (a few seconds); the other CDK tests skip bundling. One app
 * holds the default stack and a protected-reads variant, so one synth serves both.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { App } from 'aws-cdk-lib';
import type { APIGatewayProxyStructuredResultV2, DynamoDBBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KikigakiStack } from '../../infra/stack.ts';
import { openApiDocument } from '../../lib/api/openapi.ts';
import { dynamoLocalEndpoint } from '../helpers/dynamo.ts';
import { httpApiEvent } from '../helpers/events.ts';
import { type LocalS3, S3_CREDENTIALS, startS3 } from '../helpers/s3.ts';
import { read, repoRoot, samplesDir } from '../helpers/shared.ts';
import { LocalDeployment } from './deployed.ts';
import { type SecretsStandIn, startSecretsManager } from './secrets-manager.ts';

const endpoint = dynamoLocalEndpoint();
if (!endpoint) console.warn('skipping the artifact test: DynamoDB Local was not started (no java)');

type V2 = APIGatewayProxyStructuredResultV2;
interface Driven {
  method: string;
  path: string;
  status: number;
  functionId: string;
}

/** (method, OpenAPI path) of every `curl … $API/…` line of the README's HTTP API section. */
function readmeRoutes(): Array<{ method: string; path: string; line: string }> {
  const readme = read(join(repoRoot, 'README.md'));
  const section = readme.slice(
    readme.indexOf('## HTTP API'),
    readme.indexOf('\n## ', readme.indexOf('## HTTP API') + 5),
  );
  return section
    .split('\n')
    .filter((l) => /^curl\b/.test(l.trim()) && l.includes('$API/'))
    .map((line) => ({
      method: /-X\s+(\w+)/.exec(line)?.[1] ?? 'GET',
      path: /\$API(\/[^\s"'?]*)/.exec(line)?.[1] ?? '',
      line: line.trim(),
    }));
}

/** The OpenAPI path template a concrete path belongs to (null: the document does not have it). */
function templateOf(method: string, concrete: string): string | null {
  const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> };
  for (const [p, ops] of Object.entries(doc.paths)) {
    if (!(method.toLowerCase() in ops)) continue;
    const re = new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (re.test(concrete)) return p;
  }
  return null;
}

let outdir = '';
let synthMs = 0;
let secrets: SecretsStandIn;
let s3: LocalS3;
const deployments: Record<'main' | 'protected', LocalDeployment> = {} as never;
const stacks: Record<'main' | 'protected', KikigakiStack> = {} as never;

describe.runIf(endpoint)('the synthesized, bundled stack on loopback', () => {
  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'kk-artifacts-'));
    const t0 = performance.now();
    const app = new App({ outdir, builtinCloudFormationValidation: false, stackTraces: false });
    stacks.main = new KikigakiStack(app, 'Kikigaki');
    stacks.protected = new KikigakiStack(app, 'KikigakiProtected', { protectReads: true });
    app.synth();
    synthMs = performance.now() - t0;
    console.info(`artifact test: synth with bundling ${Math.round(synthMs)} ms`);
    secrets = await startSecretsManager();
    s3 = await startS3();
    for (const [key, stackName] of [
      ['main', 'Kikigaki'],
      ['protected', 'KikigakiProtected'],
    ] as const) {
      deployments[key] = new LocalDeployment(outdir, stackName, {
        dynamodb: endpoint as string,
        secrets,
        s3: s3.endpoint,
      });
      await deployments[key].provision();
    }
  });

  afterAll(async () => {
    for (const d of Object.values(deployments)) d?.stop();
    await secrets?.close();
    await s3?.close();
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  it('every function of every stack starts from its bundle with exactly its template environment', async () => {
    const failures: string[] = [];
    let started = 0;
    for (const d of Object.values(deployments)) {
      for (const fn of d.functions()) {
        try {
          await d.start(fn.id);
          started++;
        } catch (e) {
          failures.push(
            String((e as Error).message)
              .split('\n')
              .slice(0, 2)
              .join(' '),
          );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(started).toBeGreaterThanOrEqual(6);
  });

  describe('default settings: the README, route by route, through the deployed shape', () => {
    const driven: Driven[] = [];
    let d: LocalDeployment;
    let writeToken = '';

    async function http(
      method: string,
      urlPath: string,
      opts: { query?: Record<string, string>; body?: unknown; text?: string; token?: string | null } = {},
    ) {
      d = deployments.main;
      const r = d.route(method, urlPath);
      const headers: Record<string, string> = {};
      const token = opts.token === undefined ? writeToken : opts.token;
      if (token && method !== 'GET') headers.authorization = `Bearer ${token}`;
      if (token && urlPath.startsWith('/admin/')) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (opts.text !== undefined) {
        headers['content-type'] = 'text/plain; charset=utf-8';
        body = opts.text;
      } else if (opts.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(opts.body);
      }
      const base = httpApiEvent({
        method,
        path: urlPath,
        ...(opts.query ? { query: opts.query } : {}),
        headers,
        ...(body !== undefined ? { body, base64: opts.text !== undefined } : {}),
      }) as unknown as { requestContext: object };
      // The route API Gateway matched, as it reports it to the integration.
      const event = {
        ...base,
        routeKey: r.routeKey,
        pathParameters: r.proxy ? { proxy: r.proxy } : undefined,
        requestContext: { ...base.requestContext, routeKey: r.routeKey },
      };
      const container = await d.container(r.functionId);
      const res = await container.invoke<V2>(event);
      const status = res.statusCode ?? 0;
      if (status >= 500)
        throw new Error(`${method} ${urlPath}: ${status}\n${container.logs.slice(-30).join('\n')}`);
      driven.push({ method, path: urlPath, status, functionId: r.functionId });
      const text = res.isBase64Encoded
        ? Buffer.from(String(res.body), 'base64').toString('utf8')
        : String(res.body);
      return {
        status,
        json: JSON.parse(text) as Record<string, unknown> & { [k: string]: never },
        functionId: r.functionId,
      };
    }

    /** A new container of the read function: a cold start that loads the latest snapshot. */
    async function coldRead() {
      const r = d.route('GET', '/search');
      await d.start(r.functionId);
    }

    async function index() {
      const indexer = stacks.main.getLogicalId(stacks.main.indexerFunction.node.defaultChild as never);
      const { delivered, responses } = await d.pollStream(indexer);
      expect(delivered.length).toBeGreaterThan(0);
      for (const r of responses) expect((r as DynamoDBBatchResponse).batchItemFailures).toEqual([]);
    }

    beforeAll(async () => {
      d = deployments.main;
      // As the README says: the token is in the secret named by the stack outputs.
      writeToken = await d.secretValue(d.output('TokenSecretArn'));
      expect(writeToken).toMatch(/^[A-Za-z0-9]{40}$/);
    });

    it('health, ingest, Streams indexer, search, listings, tags, admin, delete', async () => {
      const health = await http('GET', '/health');
      expect(health.status).toBe(200);
      expect(health.json.index).toMatchObject({ quotes: 0 });

      expect((await http('POST', '/interviews', { token: null, text: 'x' })).status).toBe(401);
      const preview = await http('POST', '/interviews/preview', {
        text: read(join(samplesDir, '01-blog-haruka-1.txt')),
      });
      expect(preview.status).toBe(200);
      const kao = await http('POST', '/interviews', {
        query: { id: 'kao-2' },
        text: read(join(samplesDir, '01-blog-haruka-1.txt')),
      });
      expect(kao.status).toBe(201);
      const put = await http('PUT', '/interviews/kao-2', {
        query: { format: 'blog' },
        text: read(join(samplesDir, '01-blog-haruka-1.txt')),
      });
      expect(put.status).toBe(200);
      expect(
        (
          await http('POST', '/interviews', {
            query: { id: 'sora' },
            text: read(join(samplesDir, '05-dash-sora.txt')),
          })
        ).status,
      ).toBe(201);

      await index();
      // The indexer published the snapshot as one object in the stack's bucket.
      const bucket = d.resolve({
        Ref: stacks.main.getLogicalId(stacks.main.snapshotBucket.node.defaultChild as never),
      });
      const objects = await new S3Client({
        endpoint: s3.endpoint,
        region: 'eu-west-1',
        credentials: S3_CREDENTIALS,
      }).send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'index/parts/' }));
      expect(objects.KeyCount).toBe(1);
      await coldRead();
      const found = await http('GET', '/search', { query: { q: 'クラウドソーシング', limit: '3' } });
      expect(found.status).toBe(200);
      expect(found.json.total).toBeGreaterThan(0);
      const hit = (
        found.json.hits as unknown as Array<{ quoteId: string; speaker: { id: string; role: string } }>
      )[0];
      expect(hit?.quoteId).toMatch(/^kao-2-t\d+$/);
      expect(
        (await http('GET', '/search', { query: { q: '時差 打合せ', speaker: 'interviewee' } })).status,
      ).toBe(200);
      expect((await http('GET', '/search', { query: { q: '', tag: 'crowdsourcing' } })).status).toBe(200);

      const list = await http('GET', '/interviews', { query: { limit: '5' } });
      expect((list.json.interviews as unknown as unknown[]).length).toBe(2);
      const one = await http('GET', '/interviews/kao-2');
      expect(one.status).toBe(200);
      const person = (one.json.interviewees as unknown as Array<{ id: string }>)[0]?.id ?? '';
      expect((await http('GET', '/tags')).status).toBe(200);
      expect((await http('GET', '/tags/crowdsourcing/quotes', { query: { limit: '10' } })).status).toBe(200);
      expect((await http('GET', '/interviewees', { query: { tag: 'crowdsourcing' } })).status).toBe(200);
      expect((await http('GET', `/interviewees/${person}`)).status).toBe(200);
      const quoteId = hit?.quoteId ?? '';
      expect((await http('GET', `/quotes/${quoteId}`)).status).toBe(200);
      expect(
        (await http('POST', `/quotes/${quoteId}/tags`, { body: { tags: ['tools'], expectedVersion: 0 } }))
          .status,
      ).toBe(200);
      expect(
        (await http('DELETE', `/quotes/${quoteId}/tags/tools`, { query: { expectedVersion: '1' } })).status,
      ).toBe(200);
      expect(
        (
          await http('PUT', `/interviewees/${person}/tags`, {
            body: { tags: ['mentor'], expectedVersion: 0 },
          })
        ).status,
      ).toBe(200);
      expect((await http('GET', '/suggest', { query: { q: 'クラ' } })).status).toBe(200);
      expect((await http('GET', '/topics')).status).toBe(200);
      expect((await http('GET', '/openapi.json')).status).toBe(200);
      expect((await http('POST', '/tags/tools/merge', { body: { into: 'crowdsourcing' } })).status).toBe(200);
      await index();

      // Admin routes must reach a function that holds the write token.
      expect((await http('GET', '/admin/consistency', { token: null })).status).toBe(401);
      const consistency = await http('GET', '/admin/consistency');
      expect(consistency.status).toBe(200);
      expect(consistency.json).toMatchObject({ checked: 2, missing: [], extra: [] });
      expect((await http('POST', '/admin/consistency/repair')).status).toBe(200);
      expect((await http('POST', '/admin/reindex')).status).toBe(200);

      expect((await http('DELETE', '/interviews/kao-2')).status).toBe(200);
      await index();
      await coldRead();
      const after = await http('GET', '/search', { query: { q: 'クラウドソーシング' } });
      expect(
        (after.json.hits as unknown as Array<{ quoteId: string }>).some((h) =>
          h.quoteId.startsWith('kao-2-'),
        ),
      ).toBe(false);
      expect((await http('GET', '/health')).json.index).toMatchObject({ interviews: 1 });
    });

    it('drove every route the README shows, each answered below 400', () => {
      const routes = readmeRoutes();
      expect(routes.length).toBeGreaterThan(15);
      const unknown = routes.filter((r) => templateOf(r.method, r.path) === null).map((r) => r.line);
      expect(unknown, 'README routes missing from the OpenAPI document').toEqual([]);
      const ok = new Set(
        driven.filter((x) => x.status < 400).map((x) => `${x.method} ${templateOf(x.method, x.path)}`),
      );
      const missed = routes
        .filter((r) => !ok.has(`${r.method} ${templateOf(r.method, r.path)}`))
        .map((r) => r.line);
      expect(missed).toEqual([]);
    });
  });

  it('protected reads: the read function answers with the read-only token, 401 without, and never writes', async () => {
    const d = deployments.protected;
    const readToken = await d.secretValue(d.output('ReadTokenSecretName'));
    const call = async (method: string, p: string, token: string | null, query?: Record<string, string>) => {
      const r = d.route(method, p);
      const event = httpApiEvent({
        method,
        path: p,
        ...(query ? { query } : {}),
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      const container = await d.container(r.functionId);
      const status = (await container.invoke<V2>(event)).statusCode ?? 0;
      if (status >= 500)
        throw new Error(`${method} ${p}: ${status}\n${container.logs.slice(-30).join('\n')}`);
      return status;
    };
    expect(await call('GET', '/health', null)).toBe(200);
    expect(await call('GET', '/search', null, { q: 'x' })).toBe(401);
    expect(await call('GET', '/search', readToken, { q: 'x' })).toBe(200);
    expect(await call('GET', '/interviews', readToken)).toBe(200);
    expect(await call('DELETE', '/interviews/x', readToken)).toBe(401);
    expect(await call('GET', '/admin/consistency', readToken)).toBe(401);
  });
});
