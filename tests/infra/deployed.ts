/**
 * The synthesized stack, "deployed" on loopback for the artifact test: every resource a function
 * refers to is created on a real local server speaking its AWS protocol (tables on DynamoDB
 * Local, created from the template's own key schema; secrets on a Secrets Manager stand-in;
 * buckets on a local S3 server), CloudFormation references in the template are replaced by those
 * resources' names, ARNs and URLs, and each function runs as its bundled asset in its own Node
 * process with exactly its template environment plus what the Lambda runtime sets. Requests are
 * routed to functions by the template's HTTP API routes, and stream records reach the indexer
 * through the template's event source mapping (its filters and batch size).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { S3_CREDENTIALS } from '../helpers/s3.ts';
import { type GatedService, type IamGate, startGate } from './iam-gate.ts';
import type { SecretsStandIn } from './secrets-manager.ts';
import type { SqsStandIn } from './sqs.ts';

type Json = Record<string, unknown>;
export interface CfnResource {
  Type: string;
  Properties?: Json;
  Metadata?: Json;
  DependsOn?: string[];
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lambda-runner.mjs');
const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
/**
 * What the functions' execution role would give them: s3rver checks signatures against its one
 * account, and DynamoDB Local keeps one database per access key and region, so everyone here
 * (the functions and the provisioning) signs with the same key.
 */
const CREDENTIALS = { ...S3_CREDENTIALS, sessionToken: 'local-session' };

/** Variables the Lambda service sets itself; a template may not set them. */
const RESERVED =
  /^(_HANDLER|_X_AMZN_TRACE_ID|AWS_REGION|AWS_DEFAULT_REGION|AWS_EXECUTION_ENV|AWS_LAMBDA_.*|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|LAMBDA_TASK_ROOT|LAMBDA_RUNTIME_DIR|TZ)$/;

/** What resolving a resource gives: its Ref and its attributes. */
interface Provisioned {
  ref: string;
  attrs: Record<string, string>;
}

/** A Lambda function of the template. */
export interface FunctionSpec {
  id: string;
  description: string;
  taskRoot: string;
  handler: string;
  timeoutS: number;
  memoryMb: number;
  /** The template's variables with references resolved. */
  environment: Record<string, string>;
}

/** One running container of a function. */
export class Container {
  readonly logs: string[] = [];
  /** The Lambda request ids of the invocations sent so far. */
  readonly requestIds: string[] = [];
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private initError: Error | null = null;
  private exited = false;

  private constructor(
    readonly spec: FunctionSpec,
    private readonly child: ChildProcess,
  ) {}

  /** Starts a container; resolves once the handler module is imported (the cold start), or rejects with the init error. */
  static start(spec: FunctionSpec, env: Record<string, string>): Promise<Container> {
    const child = fork(RUNNER, [spec.taskRoot, spec.handler], {
      env,
      cwd: spec.taskRoot,
      execArgv: [],
      silent: true,
    });
    const c = new Container(spec, child);
    const collect = (stream: NodeJS.ReadableStream | null) => {
      let rest = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (d: string) => {
        const lines = (rest + d).split('\n');
        rest = lines.pop() ?? '';
        c.logs.push(...lines.filter((l) => l.trim() !== ''));
      });
    };
    collect(child.stdout);
    collect(child.stderr);
    return new Promise((resolve, reject) => {
      child.on('message', (m: { type: string; id?: number; result?: unknown; error?: string }) => {
        if (m.type === 'ready') resolve(c);
        else if (m.type === 'init-error') {
          c.initError = new Error(`${spec.id} failed at init (every invocation would fail):\n${m.error}`);
          reject(c.initError);
        } else {
          const p = c.pending.get(m.id ?? -1);
          if (!p) return;
          c.pending.delete(m.id ?? -1);
          if (m.type === 'result') p.resolve(m.result);
          else p.reject(new Error(`${spec.id} invocation failed: ${m.error}`));
        }
      });
      child.on('exit', (code) => {
        c.exited = true;
        const err = c.initError ?? new Error(`${spec.id} exited (${code})\n${c.logs.join('\n')}`);
        reject(err);
        for (const p of c.pending.values()) p.reject(err);
        c.pending.clear();
      });
    });
  }

  /** Invokes the handler with an event; resolves with what it returned. */
  invoke<T = unknown>(event: unknown): Promise<T> {
    if (this.exited) return Promise.reject(this.initError ?? new Error(`${this.spec.id} is not running`));
    const id = this.nextId++;
    const requestId = `${randomBytes(4).toString('hex')}-${randomBytes(2).toString('hex')}-4000-8000-${randomBytes(6).toString('hex')}`;
    this.requestIds.push(requestId);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({
        id,
        event,
        requestId,
        traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=1`,
        timeoutMs: this.spec.timeoutS * 1000,
      });
    });
  }

  stop(): void {
    if (!this.exited) this.child.kill();
  }
}

/** Endpoints of the local servers standing in for AWS services. */
export interface LocalEndpoints {
  dynamodb: string;
  secrets: SecretsStandIn;
  s3?: string;
  sqs?: SqsStandIn;
}

/** The template on loopback. */
export class LocalDeployment {
  private readonly provisioned = new Map<string, Provisioned>();
  private readonly containers: Container[] = [];
  private readonly warm = new Map<string, Container>();
  /** Per function: its DynamoDB and S3 requests pass its execution role's actions (iam-gate.ts). */
  private readonly gates = new Map<string, Promise<Record<GatedService, IamGate>>>();
  private readonly dynamo;

  readonly template: CfnTemplate;
  private readonly assets: Json;

  /** Reads `<stackName>.template.json` and its assets manifest from the cloud assembly. */
  constructor(
    readonly assemblyDir: string,
    stackName: string,
    readonly endpoints: LocalEndpoints,
  ) {
    const json = (f: string) => JSON.parse(readFileSync(path.join(assemblyDir, f), 'utf8'));
    this.template = json(`${stackName}.template.json`) as CfnTemplate;
    this.assets = json(`${stackName}.assets.json`) as Json;
    this.dynamo = new DynamoDBClient({
      endpoint: endpoints.dynamodb,
      region: REGION,
      credentials: CREDENTIALS,
    });
  }

  resourcesOf(type: string): Array<[string, CfnResource]> {
    return Object.entries(this.template.Resources).filter(([, r]) => r.Type === type);
  }

  private resource(id: string): CfnResource {
    const r = this.template.Resources[id];
    if (!r) throw new Error(`the template has no resource ${id}`);
    return r;
  }

  /** Creates the local counterpart of every resource of the types the functions use. */
  async provision(): Promise<void> {
    for (const [id] of this.resourcesOf('AWS::DynamoDB::Table')) await this.provisionTable(id);
    for (const [id] of this.resourcesOf('AWS::SecretsManager::Secret')) this.provisionSecret(id);
    for (const [id] of this.resourcesOf('AWS::S3::Bucket')) await this.provisionBucket(id);
    for (const [id] of this.resourcesOf('AWS::SQS::Queue')) this.provisionQueue(id);
  }

  private provisionQueue(id: string): void {
    const sqs = this.endpoints.sqs;
    if (!sqs) throw new Error(`${id}: no SQS stand-in was given`);
    const p = this.resource(id).Properties ?? {};
    const fifo = p.FifoQueue === true;
    const name = `${id}-${randomBytes(4).toString('hex')}${fifo ? '.fifo' : ''}`;
    const url = sqs.create(name, { fifo, contentBasedDeduplication: p.ContentBasedDeduplication === true });
    this.provisioned.set(id, {
      ref: url,
      attrs: { Arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`, QueueName: name, QueueUrl: url },
    });
  }

  private async provisionBucket(id: string): Promise<void> {
    if (!this.endpoints.s3) throw new Error(`${id}: no local S3 server was given`);
    const s3 = new S3Client({ endpoint: this.endpoints.s3, region: REGION, credentials: CREDENTIALS });
    const name = `${id.toLowerCase()}-${randomBytes(4).toString('hex')}`;
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    this.provisioned.set(id, { ref: name, attrs: { Arn: `arn:aws:s3:::${name}` } });
  }

  private async provisionTable(id: string): Promise<void> {
    const p = this.resource(id).Properties ?? {};
    const name = `${id}-${randomBytes(4).toString('hex')}`;
    const stream = p.StreamSpecification as { StreamViewType?: string } | undefined;
    const input = {
      TableName: name,
      KeySchema: p.KeySchema,
      AttributeDefinitions: p.AttributeDefinitions,
      BillingMode: p.BillingMode,
      ...(p.GlobalSecondaryIndexes ? { GlobalSecondaryIndexes: p.GlobalSecondaryIndexes } : {}),
      ...(stream?.StreamViewType
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType } }
        : {}),
    } as CreateTableCommandInput;
    await this.dynamo.send(new CreateTableCommand(input));
    // The template's TTL, as CloudFormation applies it (a separate call after the table exists).
    const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
    if (ttl?.AttributeName && ttl.Enabled)
      await this.dynamo.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
        }),
      );
    const t = (await this.dynamo.send(new DescribeTableCommand({ TableName: name }))).Table;
    this.provisioned.set(id, {
      ref: name,
      attrs: { Arn: t?.TableArn ?? '', StreamArn: t?.LatestStreamArn ?? '' },
    });
  }

  private provisionSecret(id: string): void {
    const gen = (this.resource(id).Properties?.GenerateSecretString ?? {}) as {
      PasswordLength?: number;
      ExcludePunctuation?: boolean;
    };
    const alphabet = `ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789${gen.ExcludePunctuation ? '' : '!#$%&*+-=?@^_~'}`;
    const bytes = randomBytes(gen.PasswordLength ?? 32);
    const value = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
    // As CloudFormation names a secret: `<logical id>-<12 characters>`; the ARN adds `-<6 characters>`.
    const name = `${id}-${randomBytes(6).toString('hex')}`;
    const arn = this.endpoints.secrets.put(name, value);
    this.provisioned.set(id, { ref: arn, attrs: { Id: arn } });
  }

  /** The value CloudFormation would put where the template says `value`. */
  resolve(value: unknown): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value && typeof value === 'object') {
      const o = value as Json;
      if ('Ref' in o) {
        const ref = String(o.Ref);
        if (ref === 'AWS::Region') return REGION;
        if (ref === 'AWS::AccountId') return ACCOUNT;
        if (ref === 'AWS::Partition') return 'aws';
        if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
        const p = this.provisioned.get(ref);
        if (!p) throw new Error(`no local counterpart for Ref ${ref} (${this.resource(ref).Type})`);
        return p.ref;
      }
      if ('Fn::GetAtt' in o) {
        const [ref, attr] = o['Fn::GetAtt'] as [string, string];
        const v = this.provisioned.get(ref)?.attrs[attr];
        if (v === undefined)
          throw new Error(`no local counterpart for GetAtt ${ref}.${attr} (${this.resource(ref).Type})`);
        return v;
      }
      if ('Fn::Select' in o) {
        const [i, list] = o['Fn::Select'] as [number, unknown];
        const items = (
          list && typeof list === 'object' && 'Fn::Split' in list ? this.split(list) : list
        ) as unknown[];
        return this.resolve(items[Number(i)]);
      }
      if ('Fn::Join' in o) {
        const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
        return parts.map((x) => this.resolve(x)).join(sep);
      }
    }
    throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  }

  /** The asset directory `cdk deploy` would zip and upload as this function's code (from the assets manifest). */
  private assetPath(id: string, code: unknown): string {
    const key = (code as { S3Key?: unknown } | undefined)?.S3Key;
    if (typeof key !== 'string') throw new Error(`${id} has no S3 asset code`);
    const files = (this.assets.files ?? {}) as Record<
      string,
      { source: { path: string; packaging?: string } }
    >;
    const source = files[key.replace(/\.zip$/, '')]?.source;
    if (source?.packaging !== 'zip') throw new Error(`${id}: no zip asset for ${key}`);
    return source.path;
  }

  private split(o: unknown): string[] {
    const [sep, v] = (o as Json)['Fn::Split'] as [string, unknown];
    return this.resolve(v).split(sep);
  }

  /** Every Lambda function of the template. */
  functions(): FunctionSpec[] {
    return this.resourcesOf('AWS::Lambda::Function').map(([id, r]) => {
      const p = r.Properties ?? {};
      const asset = this.assetPath(id, p.Code);
      const vars = ((p.Environment as { Variables?: Json } | undefined)?.Variables ?? {}) as Json;
      const environment: Record<string, string> = {};
      for (const [k, v] of Object.entries(vars)) {
        if (RESERVED.test(k)) throw new Error(`${id} sets ${k}, which the Lambda runtime reserves`);
        environment[k] = this.resolve(v);
      }
      return {
        id,
        description: String(p.Description ?? ''),
        taskRoot: path.join(this.assemblyDir, asset),
        handler: String(p.Handler),
        timeoutS: Number(p.Timeout ?? 3),
        memoryMb: Number(p.MemorySize ?? 128),
        environment,
      };
    });
  }

  function(id: string): FunctionSpec {
    const f = this.functions().find((x) => x.id === id);
    if (!f) throw new Error(`no function ${id}`);
    return f;
  }

  /** The actions the inline policies on a function's execution role allow (as written, e.g. `s3:GetObject`). */
  grantedActions(id: string): string[] {
    const role = (this.resource(id).Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined)?.[
      'Fn::GetAtt'
    ]?.[0];
    if (!role) throw new Error(`${id} has no execution role in the template`);
    return this.resourcesOf('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties?.Roles ?? []).includes(`{"Ref":"${role}"}`))
      .flatMap(
        ([, p]) => (p.Properties?.PolicyDocument as { Statement?: Json[] } | undefined)?.Statement ?? [],
      )
      .filter((st) => st.Effect === 'Allow')
      .flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]).map(String));
  }

  /** The gates of a function (started on its first container; one pair shared by its containers). */
  gatesOf(id: string): Promise<Record<GatedService, IamGate>> {
    let g = this.gates.get(id);
    if (!g) {
      const allowed = this.grantedActions(id);
      const s3 = this.endpoints.s3;
      g = Promise.all([
        startGate('dynamodb', this.endpoints.dynamodb, allowed),
        s3 ? startGate('s3', s3, allowed) : null,
      ]).then(([dynamodb, s3gate]) => ({ dynamodb, s3: s3gate as IamGate }));
      this.gates.set(id, g);
    }
    return g;
  }

  /** The environment a container of `spec` runs with: the template's plus the runtime's. */
  runtimeEnvironment(
    spec: FunctionSpec,
    endpoints: { dynamodb: string; s3?: string | undefined } = this.endpoints,
  ): Record<string, string> {
    const creds = {
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: CREDENTIALS.sessionToken,
    };
    return {
      // What the Lambda runtime sets (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html).
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      _HANDLER: spec.handler,
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      AWS_LAMBDA_FUNCTION_NAME: spec.id,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.id}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `2026/11/27/[$LATEST]${randomBytes(16).toString('hex')}`,
      AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
      AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
      LAMBDA_TASK_ROOT: spec.taskRoot,
      ...creds,
      // The only additions: where the local stand-ins of the AWS services listen (the SDK reads
      // these service-specific endpoint variables), and this machine's Node 20 (Lambda runs 24).
      // DynamoDB and S3 through the function's IAM gate: only the actions its role allows pass.
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.endpoints.secrets.endpoint,
      ...(endpoints.s3 ? { AWS_ENDPOINT_URL_S3: endpoints.s3 } : {}),
      ...(this.endpoints.sqs ? { AWS_ENDPOINT_URL_SQS: this.endpoints.sqs.endpoint } : {}),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...spec.environment,
    };
  }

  /** Starts a new container (a cold start) of a function. */
  async start(id: string): Promise<Container> {
    const spec = this.function(id);
    const gates = await this.gatesOf(id);
    const c = await Container.start(
      spec,
      this.runtimeEnvironment(spec, { dynamodb: gates.dynamodb.endpoint, s3: gates.s3?.endpoint }),
    );
    this.containers.push(c);
    this.warm.set(id, c);
    return c;
  }

  /** Every container started so far. */
  started(): readonly Container[] {
    return this.containers;
  }

  /** The warm container of a function, started on first use. */
  async container(id: string): Promise<Container> {
    return this.warm.get(id) ?? this.start(id);
  }

  /** A stack output's value. */
  output(name: string): string {
    const o = this.template.Outputs?.[name];
    if (!o) throw new Error(`no output ${name}`);
    return this.resolve(o.Value);
  }

  /** The secret value behind a secret ARN (what `aws secretsmanager get-secret-value` prints). */
  async secretValue(arn: string): Promise<string> {
    const res = await fetch(this.endpoints.secrets.endpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'secretsmanager.GetSecretValue',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: JSON.stringify({ SecretId: arn }),
    });
    return ((await res.json()) as { SecretString: string }).SecretString;
  }

  /**
   * The HTTP API route a request takes (API Gateway's rules: an exact path beats a greedy one,
   * the longer greedy prefix wins, a method beats ANY) and the function it invokes.
   */
  route(method: string, urlPath: string): { routeKey: string; functionId: string; proxy: string | null } {
    const integrations = new Map(
      this.resourcesOf('AWS::ApiGatewayV2::Integration').map(([id, r]) => [
        id,
        ((r.Properties?.IntegrationUri ?? {}) as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.[0] ?? '',
      ]),
    );
    let best: { routeKey: string; functionId: string; proxy: string | null; score: number } | null = null;
    for (const [, r] of this.resourcesOf('AWS::ApiGatewayV2::Route')) {
      const routeKey = String(r.Properties?.RouteKey);
      const [m, p] = routeKey.split(' ') as [string, string];
      if (m !== method && m !== 'ANY') continue;
      let score: number;
      let proxy: string | null = null;
      if (p.endsWith('/{proxy+}')) {
        const prefix = p.slice(0, -'{proxy+}'.length);
        if (!urlPath.startsWith(prefix) || urlPath.length === prefix.length) continue;
        proxy = urlPath.slice(prefix.length);
        score = prefix.length;
      } else if (p === urlPath) score = 100_000;
      else continue;
      score = score * 2 + (m === method ? 1 : 0);
      const target = JSON.stringify(r.Properties?.Target).match(/"Ref":"([^"]+)"/)?.[1] ?? '';
      const functionId = integrations.get(target) ?? '';
      if (!best || score > best.score) best = { routeKey, functionId, proxy, score };
    }
    if (!best) throw new Error(`no route for ${method} ${urlPath}`);
    return { routeKey: best.routeKey, functionId: best.functionId, proxy: best.proxy };
  }

  /** Event source mappings of a function. */
  eventSourceMappings(functionId: string): Json[] {
    return this.resourcesOf('AWS::Lambda::EventSourceMapping')
      .map(([, r]) => r.Properties ?? {})
      .filter((p) => JSON.stringify(p.FunctionName) === JSON.stringify({ Ref: functionId }));
  }

  private streams: DynamoDBStreamsClient | null = null;
  private readonly iterators = new Map<string, string>();

  /** The next read of every stream starts again at TRIM_HORIZON (a replay, as a new mapping would). */
  rewindStreams(): void {
    this.iterators.clear();
  }

  /** Every record of a stream not read yet, in the shape Lambda delivers them. */
  async readStream(streamArn: string): Promise<Json[]> {
    this.streams ??= new DynamoDBStreamsClient({
      endpoint: this.endpoints.dynamodb,
      region: REGION,
      credentials: CREDENTIALS,
    });
    const streams = this.streams;
    const out: Json[] = [];
    const shards =
      (await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ??
      [];
    for (const shard of shards) {
      const key = `${streamArn}/${shard.ShardId}`;
      let iterator =
        this.iterators.get(key) ??
        (
          await streams.send(
            new GetShardIteratorCommand({
              StreamArn: streamArn,
              ShardId: shard.ShardId,
              ShardIteratorType: 'TRIM_HORIZON',
            }),
          )
        ).ShardIterator;
      for (let i = 0; iterator && i < 1000; i++) {
        const r = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        for (const rec of r.Records ?? []) out.push(lambdaStreamRecord(rec, streamArn));
        iterator = r.NextShardIterator;
        if ((r.Records ?? []).length === 0) break;
      }
      if (iterator) this.iterators.set(key, iterator);
    }
    return out;
  }

  /**
   * Does what a DynamoDB event source mapping of `functionId` does with the stream's new
   * records: filters them with the mapping's patterns, batches them by its batch size and
   * invokes the function; returns each batch's response.
   */
  async pollStream(functionId: string): Promise<{ delivered: Json[]; responses: unknown[] }> {
    const mappings = this.eventSourceMappings(functionId).filter((m) => 'StartingPosition' in m);
    if (mappings.length !== 1) throw new Error(`${functionId} has ${mappings.length} event source mappings`);
    const m = mappings[0] as Json;
    const patterns = (
      (m.FilterCriteria as { Filters?: Array<{ Pattern: string }> } | undefined)?.Filters ?? []
    ).map((f) => JSON.parse(f.Pattern) as unknown);
    const records = (await this.readStream(this.resolve(m.EventSourceArn))).filter(
      (r) => patterns.length === 0 || patterns.some((p) => matchesPattern(r, p)),
    );
    const size = Number(m.BatchSize ?? 100);
    const container = await this.container(functionId);
    const responses: unknown[] = [];
    for (let i = 0; i < records.length; i += size)
      responses.push(await container.invoke({ Records: records.slice(i, i + size) }));
    return { delivered: records, responses };
  }

  /**
   * Does what an SQS event source mapping of `functionId` does: takes the queue's messages in
   * order (FIFO: one batch of the group in flight), up to its batch size, invokes the function,
   * deletes what succeeded; a reported failure stops the group, as Lambda does for FIFO, and
   * leaves it for the next poll. Repeats until the queue is empty or a batch failed.
   */
  async pollQueue(functionId: string): Promise<{ batches: number; failed: string[] }> {
    const sqs = this.endpoints.sqs;
    if (!sqs) throw new Error('no SQS stand-in');
    const m = this.eventSourceMappings(functionId).find((x) => !('StartingPosition' in x));
    if (!m) throw new Error(`${functionId} has no queue event source`);
    const arn = this.resolve(m.EventSourceArn);
    const [queueId] = ((m.EventSourceArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'] ?? []) as [string];
    const url = this.resolve({ Ref: queueId });
    const size = Number(m.BatchSize ?? 10);
    const container = await this.container(functionId);
    let batches = 0;
    for (;;) {
      const batch = sqs.messages(url).slice(0, size);
      if (batch.length === 0) return { batches, failed: [] };
      for (const x of batch) x.receiveCount++;
      batches++;
      const response = await container.invoke<{ batchItemFailures?: Array<{ itemIdentifier: string }> }>({
        Records: batch.map((x) => ({
          messageId: x.messageId,
          receiptHandle: `rh-${x.messageId}`,
          body: x.body,
          attributes: {
            ApproximateReceiveCount: String(x.receiveCount),
            SentTimestamp: String(x.sentAt),
            SenderId: 'AROALOCAL:forwarder',
            ApproximateFirstReceiveTimestamp: String(Date.now()),
            ...(x.groupId ? { MessageGroupId: x.groupId, SequenceNumber: x.sequenceNumber } : {}),
            ...(x.dedupId ? { MessageDeduplicationId: x.dedupId } : {}),
          },
          messageAttributes: {},
          md5OfBody: createHash('md5').update(x.body).digest('hex'),
          eventSource: 'aws:sqs',
          eventSourceARN: arn,
          awsRegion: REGION,
        })),
      });
      const failures = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      const firstFailed = batch.findIndex((x) => failures.includes(x.messageId));
      const done = firstFailed < 0 ? batch : batch.slice(0, firstFailed);
      sqs.remove(
        url,
        done.map((x) => x.messageId),
      );
      if (firstFailed >= 0) return { batches, failed: failures };
    }
  }

  /** Every DynamoDB and S3 action each function sent so far, and those its role refused. */
  async actionsUsed(): Promise<Record<string, { used: string[]; denied: string[] }>> {
    const out: Record<string, { used: string[]; denied: string[] }> = {};
    for (const [id, g] of this.gates) {
      const { dynamodb, s3 } = await g;
      out[id] = {
        used: [...dynamodb.used, ...(s3?.used ?? [])].sort(),
        denied: [...dynamodb.denied, ...(s3?.denied ?? [])],
      };
    }
    return out;
  }

  stop(): void {
    for (const c of this.containers) c.stop();
    for (const g of this.gates.values())
      void g.then(({ dynamodb, s3 }) => Promise.all([dynamodb.close(), s3?.close()]));
  }
}

/** AttributeValues as Lambda's JSON has them (binary as base64). */
function lambdaAttribute(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(lambdaAttribute);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, lambdaAttribute(x)]));
  return v;
}

/** A record from GetRecords as Lambda delivers it (dates in epoch seconds, binary in base64). */
function lambdaStreamRecord(rec: _Record, streamArn: string): Json {
  const d = rec.dynamodb ?? {};
  return {
    eventID: rec.eventID,
    eventName: rec.eventName,
    eventVersion: rec.eventVersion,
    eventSource: rec.eventSource,
    awsRegion: REGION,
    dynamodb: {
      ...(lambdaAttribute(d) as Json),
      ApproximateCreationDateTime: Math.floor(
        (d.ApproximateCreationDateTime?.getTime() ?? Date.now()) / 1000,
      ),
    },
    eventSourceARN: streamArn,
  };
}

/**
 * Whether a record matches an event filter pattern (the subset Lambda filters use here: literal
 * values, `prefix`, `exists`, `anything-but`). An unknown operator throws rather than guess.
 */
export function matchesPattern(record: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) {
    return pattern.some((rule) => {
      if (rule && typeof rule === 'object') {
        const [op, arg] = Object.entries(rule as Json)[0] ?? [];
        if (op === 'prefix') return typeof record === 'string' && record.startsWith(String(arg));
        if (op === 'exists') return (record !== undefined) === Boolean(arg);
        if (op === 'anything-but')
          return record !== undefined && !(Array.isArray(arg) ? arg : [arg]).includes(record);
        throw new Error(`filter operator ${op} is not supported by this test`);
      }
      return record === rule;
    });
  }
  if (pattern && typeof pattern === 'object') {
    if (!record || typeof record !== 'object') return false;
    return Object.entries(pattern as Json).every(([k, v]) => matchesPattern((record as Json)[k], v));
  }
  throw new Error(`malformed filter pattern ${JSON.stringify(pattern)}`);
}
