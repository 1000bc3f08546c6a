/**
 * The CDK stack, synthesised offline: bundling skipped (context `aws:cdk:bundling-stacks: []`)
 * and CDK's built-in CloudFormation schema validation off (slow; `npm run synth` still runs it).
 * One app — with cdk-nag's AWS Solutions pack registered exactly as infra/app.ts does — is
 * synthesised once and shared by every assertion.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { KikigakiStack } from '../../infra/stack.ts';
import { readLambdaConfig } from '../../lib/config.ts';
import { createTableInput, keys, TABLE } from '../../lib/store/keys.ts';
import { SNAPSHOT_PREFIX, SUPERSEDED_TAG } from '../../lib/store/s3-snapshots.ts';

type Json = Record<string, unknown>;
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

const FAST = { 'aws:cdk:bundling-stacks': [] as string[] };

function newApp(context: Json = {}) {
  return new App({
    context: { ...FAST, ...context },
    builtinCloudFormationValidation: false,
    stackTraces: false,
  });
}

function synth(context: Json = {}, withNag = false) {
  // With cdk-nag, findings are left in the validation report (checked below) instead of throwing
  // from synth, so one bad finding fails one test with its rule id, not every test in the file.
  const app = newApp(withNag ? { ...context, '@aws-cdk/core:failSynthOnValidationErrors': false } : context);
  const stack = new KikigakiStack(app, 'Kikigaki');
  if (withNag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  return { app, stack, assembly, template: Template.fromStack(stack) };
}

const logicalId = (stack: Stack, c: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(c.node.defaultChild as CfnElement);
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** All statements of the inline policies attached to the execution role of `fnId`. */
function roleStatements(template: Template, fnId: string): Statement[] {
  const fn = template.findResources('AWS::Lambda::Function')[fnId] as Json;
  const roleId = ((fn.Properties as Json).Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify((p.Properties as Json).Roles).includes(`"${roleId}"`))
    .flatMap((p) => ((p.Properties as Json).PolicyDocument as { Statement: Statement[] }).Statement);
}

let main: ReturnType<typeof synth>;
let t: Template;
let ids: {
  table: string;
  bucket: string;
  secret: string;
  read: string;
  write: string;
  indexer: string;
  dlq: string;
  forwarder: string;
  queue: string;
  queueDlq: string;
};

beforeAll(() => {
  main = synth({}, true);
  t = main.template;
  const s = main.stack;
  ids = {
    table: logicalId(s, s.table),
    bucket: logicalId(s, s.snapshotBucket),
    secret: logicalId(s, s.tokenSecret),
    read: logicalId(s, s.readFunction),
    write: logicalId(s, s.writeFunction),
    indexer: logicalId(s, s.indexerFunction),
    dlq: logicalId(s, s.indexerDlq),
    forwarder: logicalId(s, s.forwarderFunction),
    queue: logicalId(s, s.indexQueue),
    queueDlq: logicalId(s, s.indexQueueDlq),
  };
});

describe('table', () => {
  it('mirrors lib/store/keys.ts (keys, gsi1 with projection ALL), on demand, PITR, stream, retained', () => {
    const expected = createTableInput('unused');
    const tables = t.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toEqual([ids.table]);
    const table = tables[ids.table] as Json;
    const p = table.Properties as Json;
    expect(p.KeySchema).toEqual(expected.KeySchema);
    expect(p.AttributeDefinitions).toEqual(expect.arrayContaining(expected.AttributeDefinitions));
    expect(p.AttributeDefinitions).toHaveLength(expected.AttributeDefinitions.length);
    expect(p.GlobalSecondaryIndexes).toEqual(expected.GlobalSecondaryIndexes);
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    // The forwarder needs only the keys of what changed (the indexer reads the current state).
    expect(p.StreamSpecification).toEqual({ StreamViewType: 'KEYS_ONLY' });
    expect(p.SSESpecification).toEqual({ SSEEnabled: true });
    expect(p.TableName).toBeUndefined();
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });
});

describe('snapshot bucket', () => {
  it('encrypted, private, TLS only, superseded snapshots expire, retained with the table', () => {
    const buckets = t.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toEqual([ids.bucket]);
    const b = buckets[ids.bucket] as Json;
    expect(b.DeletionPolicy).toBe('Retain');
    expect(b.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    const rules = ((b.Properties as Json).LifecycleConfiguration as { Rules: Json[] }).Rules;
    expect(rules).toContainEqual(
      expect.objectContaining({
        Status: 'Enabled',
        Prefix: SNAPSHOT_PREFIX,
        TagFilters: [{ Key: SUPERSEDED_TAG.key, Value: SUPERSEDED_TAG.value }],
        ExpirationInDays: 1,
      }),
    );
    expect(rules).toContainEqual(
      expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
    );
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: ids.bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('the API functions may only get snapshot objects; the indexer, the one publisher, puts, tags and deletes them', () => {
    const objects = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.bucket, 'Arn'] }, `/${SNAPSHOT_PREFIX}*`]] };
    const s3 = (fn: string) =>
      roleStatements(t, fn).filter((s) => actions(s).some((a) => a.startsWith('s3:')));
    // Jobs (rebuild, repair) run on the indexer: the write function only starts them.
    for (const fn of [ids.read, ids.write])
      expect(s3(fn)).toEqual([expect.objectContaining({ Action: 's3:GetObject', Resource: objects })]);
    expect(s3(ids.indexer)).toEqual([
      expect.objectContaining({
        Action: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject'],
        Resource: objects,
      }),
    ]);
  });
});

describe('one indexer: Streams → forwarder → FIFO queue → indexer', () => {
  it('the FIFO queue: content-based deduplication, a FIFO dead-letter queue, visibility 6× the indexer timeout', () => {
    const q = t.findResources('AWS::SQS::Queue');
    expect((q[ids.queue] as Json).Properties).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: true,
      VisibilityTimeout: 1800,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [ids.queueDlq, 'Arn'] }, maxReceiveCount: 5 },
    });
    expect((q[ids.queueDlq] as Json).Properties).toMatchObject({ FifoQueue: true });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ids.indexer },
      EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // The forwarder sends to the queue with the one message group (lib/indexing.ts).
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ FUNCTION_ROLE: 'forwarder', INDEX_QUEUE_URL: { Ref: ids.queue } }),
      },
    });
  });

  it('the forwarder reads the stream from TRIM_HORIZON: filters, larger batches with a window, retries, dead letters', () => {
    t.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    const pattern = (pk: unknown, sk?: unknown) => ({
      Pattern: JSON.stringify({
        dynamodb: {
          Keys: { [TABLE.partitionKey]: { S: [pk] }, ...(sk ? { [TABLE.sortKey]: { S: [sk] } } : {}) },
        },
      }),
    });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ids.forwarder },
      EventSourceArn: { 'Fn::GetAtt': [ids.table, 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 2,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [ids.dlq, 'Arn'] } } },
      FilterCriteria: {
        Filters: [pattern({ prefix: 'IV#' }, 'HEAD'), pattern({ prefix: 'QUOTE#' }, 'TAGS')],
      },
    });
    // The literals above are what the key builders produce.
    // A tag merge rewrites the heads of the interviews it moves: alias records need not reach it.
    expect([keys.interviewPk(''), keys.interviewHead('x').sk, keys.quoteManualPk('')]).toEqual([
      'IV#',
      'HEAD',
      'QUOTE#',
    ]);
  });

  it('dead-letter queue: SQS-managed encryption, TLS only, 14 days', () => {
    t.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86400,
    });
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('IAM', () => {
  const WRITES = [
    'dynamodb:PutItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:DeleteItem',
    'dynamodb:UpdateItem',
    'dynamodb:*',
  ];
  const tableScope = () => [
    { 'Fn::GetAtt': [ids.table, 'Arn'] },
    { 'Fn::Join': ['', [{ 'Fn::GetAtt': [ids.table, 'Arn'] }, '/index/*']] },
  ];

  it('the read function cannot write, and its table access is the table and its indexes only', () => {
    const stmts = roleStatements(t, ids.read);
    const all = stmts.flatMap(actions);
    expect(all).toContain('dynamodb:Query');
    for (const w of WRITES) expect(all).not.toContain(w);
    for (const s of stmts.filter((s) => actions(s).some((a) => a.startsWith('dynamodb:'))))
      expect(s.Resource).toEqual(tableScope());
    expect(all.some((a) => a.startsWith('secretsmanager:'))).toBe(false);
  });

  it('the write function reads and writes the table (table + indexes only) and reads the secret', () => {
    const stmts = roleStatements(t, ids.write);
    expect(stmts.flatMap(actions)).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:DeleteItem']),
    );
    for (const s of stmts.filter((s) => actions(s).some((a) => a.startsWith('dynamodb:'))))
      expect(s.Resource).toEqual(tableScope());
    expect(stmts).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: expect.arrayContaining(['secretsmanager:GetSecretValue']),
        Resource: { Ref: ids.secret },
      }),
    );
  });

  it('the indexer consumes the queue and writes the manifest; the forwarder reads the stream and sends to the queue', () => {
    const indexer = roleStatements(t, ids.indexer).flatMap(actions);
    expect(indexer).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'sqs:ReceiveMessage', 'sqs:DeleteMessage']),
    );
    // Job steps: the write function sends a job's first step, the indexer each next one.
    const sendsToQueue = (fn: string) =>
      roleStatements(t, fn).some(
        (st) =>
          actions(st).includes('sqs:SendMessage') &&
          JSON.stringify(st.Resource) === JSON.stringify({ 'Fn::GetAtt': [ids.queue, 'Arn'] }),
      );
    expect(sendsToQueue(ids.indexer)).toBe(true);
    expect(sendsToQueue(ids.write)).toBe(true);
    expect(sendsToQueue(ids.read)).toBe(false);
    expect(indexer.some((a) => a.startsWith('secretsmanager:') || a === 'dynamodb:GetRecords')).toBe(false);
    const stmts = roleStatements(t, ids.forwarder);
    const all = stmts.flatMap(actions);
    expect(all).toEqual(
      expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:ListStreams', 'sqs:SendMessage']),
    );
    expect(all.some((a) => a.startsWith('s3:') || a === 'dynamodb:PutItem')).toBe(false);
    expect(all.some((a) => a.startsWith('secretsmanager:'))).toBe(false);
    // The only unscoped resource is ListStreams (no resource-level permissions exist for it).
    // The only unscoped actions have no resource-level permissions: ListStreams and X-Ray.
    expect(
      stmts
        .filter((s) => s.Resource === '*')
        .flatMap(actions)
        .sort(),
    ).toEqual(['dynamodb:ListStreams', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
  });

  it('each role gets exactly the table actions its code sends: no Scan, no UpdateItem', () => {
    const tableActions = (fn: string) =>
      roleStatements(t, fn)
        .filter((s) => JSON.stringify(s.Resource) === JSON.stringify(tableScope()))
        .flatMap(actions)
        .sort();
    const reads = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
    expect(tableActions(ids.read)).toEqual(reads);
    expect(tableActions(ids.write)).toEqual(
      [...reads, 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'].sort(),
    );
    // The indexer runs the background jobs (re-scores, memberships, job records): it writes too.
    expect(tableActions(ids.indexer)).toEqual(
      [...reads, 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'].sort(),
    );
  });

  it('the table is protected from deletion while it is retained', () => {
    t.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });

  it('expires finished jobs through the table TTL attribute that JobEntity writes', () => {
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('no AWS-managed policies: each role may log only to its own log group', () => {
    for (const role of Object.values(t.findResources('AWS::IAM::Role')))
      expect((role.Properties as Json).ManagedPolicyArns).toBeUndefined();
    for (const fnId of [ids.read, ids.write, ids.indexer]) {
      const fn = t.findResources('AWS::Lambda::Function')[fnId] as Json;
      const logGroup = ((fn.Properties as Json).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      const logs = roleStatements(t, fnId).filter((s) => actions(s).some((a) => a.startsWith('logs:')));
      expect(logs).toEqual([expect.objectContaining({ Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] } })]);
    }
  });
});

describe('functions', () => {
  it('three functions, all on the newest Node.js runtime, arm64, with source maps', () => {
    const fns = t.findResources('AWS::Lambda::Function');
    expect(Object.keys(fns).sort()).toEqual([ids.forwarder, ids.indexer, ids.read, ids.write].sort());
    for (const fn of Object.values(fns)) {
      const p = fn.Properties as Json;
      expect(p.Runtime).toBe('nodejs24.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.Handler).toBe('index.handler');
      expect((p.Environment as { Variables: Json }).Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('memory, timeouts and environment', () => {
    const fns = t.findResources('AWS::Lambda::Function');
    const props = (id: string) => (fns[id] as Json).Properties as Json;
    const apiEnv = {
      TABLE_NAME: { Ref: ids.table },
      SNAPSHOT_BUCKET: { Ref: ids.bucket },
      SNAPSHOT_REFRESH_MS: '5000',
      PROTECT_READS: 'false',
      CORS_ORIGINS: '*',
      MAX_BODY_BYTES: String(2 * 1024 * 1024),
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_METRICS_NAMESPACE: 'Kikigaki',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
    const vars = (id: string) => (props(id).Environment as { Variables: Json }).Variables;
    expect(vars(ids.read)).toEqual({
      ...apiEnv,
      FUNCTION_ROLE: 'read',
      POWERTOOLS_SERVICE_NAME: 'kikigaki-read',
    });
    expect(vars(ids.write)).toEqual({
      ...apiEnv,
      FUNCTION_ROLE: 'write',
      POWERTOOLS_SERVICE_NAME: 'kikigaki-write',
      TOKEN_SECRET_ID: { Ref: ids.secret },
      INDEX_QUEUE_URL: { Ref: ids.queue },
    });
    expect(props(ids.read)).toMatchObject({
      MemorySize: 1024,
      Timeout: 29,
      Environment: { Variables: apiEnv },
    });
    expect(props(ids.write)).toMatchObject({
      MemorySize: 1024,
      Timeout: 29,
      Environment: {
        Variables: { ...apiEnv, TOKEN_SECRET_ID: { Ref: ids.secret }, INDEX_QUEUE_URL: { Ref: ids.queue } },
      },
    });
    // The read function serves no writes: it never gets the write token.
    const readVars = (props(ids.read).Environment as { Variables: Json }).Variables;
    expect(readVars.TOKEN_SECRET_ID).toBeUndefined();
    expect(readVars.KUROMOJI_DICT).toBeUndefined();
    expect(JSON.stringify(roleStatements(t, ids.read))).not.toContain(ids.secret);
    expect(props(ids.indexer)).toMatchObject({
      MemorySize: 1536,
      Timeout: 300,
      Environment: {
        Variables: {
          TABLE_NAME: { Ref: ids.table },
          INDEX_QUEUE_URL: { Ref: ids.queue },
          NODE_OPTIONS: '--enable-source-maps',
          // kuromoji's dictionary, shipped in the indexer's asset only (kana readings).
          KUROMOJI_DICT: 'kuromoji-dict',
        },
      },
    });
  });

  it('each function names itself in Powertools (its own service name) and shares the Kikigaki metrics namespace', () => {
    const fns = t.findResources('AWS::Lambda::Function');
    const named = Object.entries(fns).map(([id, fn]) => {
      const vars = ((fn.Properties as Json).Environment as { Variables: Json }).Variables;
      expect(vars.POWERTOOLS_METRICS_NAMESPACE, id).toBe('Kikigaki');
      expect(vars.POWERTOOLS_LOG_LEVEL, id).toBe('INFO');
      return [id, vars.POWERTOOLS_SERVICE_NAME];
    });
    expect(Object.fromEntries(named)).toEqual({
      [ids.read]: 'kikigaki-read',
      [ids.write]: 'kikigaki-write',
      [ids.indexer]: 'kikigaki-indexer',
      [ids.forwarder]: 'kikigaki-forwarder',
    });
  });

  it.each([
    ['default settings', {}],
    ['protected reads', { protectReads: 'true' }],
  ])("every function's environment is what lib/config.ts needs for its role (%s)", (_, context) => {
    const template = Object.keys(context).length === 0 ? t : synth(context).template;
    // References become placeholder values: what matters is which variables are there.
    const placeholder = (v: unknown) => (typeof v === 'string' ? v : `resolved:${JSON.stringify(v)}`);
    const fns = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fns.length).toBeGreaterThan(0);
    const roles = fns.map((fn) => {
      const vars = ((fn.Properties as Json).Environment as { Variables: Json }).Variables;
      const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, placeholder(v)]));
      return readLambdaConfig(env).role;
    });
    expect(roles.sort()).toEqual(['forwarder', 'indexer', 'read', 'write']);
  });

  it('each function logs to its own log group with 30 days retention', () => {
    const groups = t.findResources('AWS::Logs::LogGroup');
    expect(Object.keys(groups)).toHaveLength(5); // four functions + API access logs
    for (const g of Object.values(groups)) expect((g.Properties as Json).RetentionInDays).toBe(30);
  });
});

describe('HTTP API', () => {
  it('routes GET/HEAD to the read function, POST/PUT/PATCH/DELETE and admin reads to the write function', () => {
    const integrations = t.findResources('AWS::ApiGatewayV2::Integration');
    const target = (route: Json) => {
      const ref = JSON.stringify((route.Properties as Json).Target).match(/"Ref":"([^"]+)"/)?.[1] ?? '';
      const uri = ((integrations[ref] as Json).Properties as Json).IntegrationUri as {
        'Fn::GetAtt': string[];
      };
      return uri['Fn::GetAtt'][0];
    };
    const routes = Object.values(t.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => [(r.Properties as Json).RouteKey as string, target(r)] as const,
    );
    expect(Object.fromEntries(routes)).toEqual({
      'GET /{proxy+}': ids.read,
      'HEAD /{proxy+}': ids.read,
      'GET /': ids.read,
      'HEAD /': ids.read,
      'POST /{proxy+}': ids.write,
      'PUT /{proxy+}': ids.write,
      // No route takes PATCH: it reaches the app for its 405 with Allow, not API Gateway's 404.
      'PATCH /{proxy+}': ids.write,
      'DELETE /{proxy+}': ids.write,
      'GET /admin/{proxy+}': ids.write,
      'GET /audit': ids.write,
    });
    expect(routes).toHaveLength(10);
  });

  it('CORS preflight', () => {
    t.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowHeaders: ['Authorization', 'Content-Type', 'X-Actor'],
        AllowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
        AllowOrigins: ['*'],
      },
    });
  });

  it('throttles the write routes harder than the stage, after the routes exist', () => {
    const stage = Object.values(t.findResources('AWS::ApiGatewayV2::Stage'))[0] as Json & {
      Properties: Json;
      DependsOn?: string[];
    };
    const limits = { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 };
    expect(stage.Properties.RouteSettings).toEqual({
      'POST /{proxy+}': limits,
      'PUT /{proxy+}': limits,
      'PATCH /{proxy+}': limits,
      'DELETE /{proxy+}': limits,
      'GET /admin/{proxy+}': limits,
      'GET /audit': limits,
    });
    const routes = t.findResources('AWS::ApiGatewayV2::Route');
    const writeRouteIds = Object.entries(routes)
      .filter(([, r]) =>
        /^(POST|PUT|PATCH|DELETE) |^GET \/admin\/|^GET \/audit$/.test(
          String((r.Properties as Json).RouteKey),
        ),
      )
      .map(([id]) => id);
    expect(writeRouteIds).toHaveLength(6);
    expect(stage.DependsOn).toEqual(expect.arrayContaining(writeRouteIds));
    expect(t.findResources('AWS::SecretsManager::Secret')).not.toHaveProperty('ReadToken');
  });

  it('default stage: auto-deployed, throttled, JSON access logs', () => {
    t.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    const stage = Object.values(t.findResources('AWS::ApiGatewayV2::Stage'))[0]?.Properties as Json;
    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    const log = stage.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(log.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'] });
    expect(Object.keys(JSON.parse(log.Format))).toEqual(
      expect.arrayContaining([
        'requestId',
        'ip',
        'routeKey',
        'status',
        'responseLength',
        'integrationLatency',
      ]),
    );
  });
});

describe('alarms', () => {
  it('API 5xx and p99 latency, errors and throttles of each function, DLQ depth, iterator age, indexer duration, index lag', () => {
    const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties as Json);
    expect(alarms).toHaveLength(16);
    expect(alarms.map((a) => a.MetricName).sort()).toEqual(
      [
        '5xx',
        'Latency',
        'ApproximateNumberOfMessagesVisible',
        'ApproximateNumberOfMessagesVisible',
        'ApproximateAgeOfOldestMessage',
        'Duration',
        'Errors',
        'Errors',
        'Errors',
        'Errors',
        'IteratorAge',
        'IndexLagMs',
        'Throttles',
        'Throttles',
        'Throttles',
        'Throttles',
      ].sort(),
    );
    expect(alarms.find((a) => a.MetricName === 'IteratorAge')).toMatchObject({
      Statistic: 'Maximum',
      Threshold: 60_000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(alarms.find((a) => a.MetricName === 'IteratorAge')?.Dimensions).toEqual([
      { Name: 'FunctionName', Value: { Ref: ids.forwarder } },
    ]);
    expect(alarms.find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')).toMatchObject({
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(alarms.find((a) => a.MetricName === 'Latency')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      ExtendedStatistic: 'p99',
      Threshold: 3000,
      EvaluationPeriods: 3,
    });
    expect(alarms.find((a) => a.MetricName === 'Duration')).toMatchObject({
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.indexer } }],
      Statistic: 'Maximum',
      Threshold: 120_000,
    });
    // The metric the read function's Powertools Metrics writes (namespace and service dimension
    // as lib/config.ts gives that function), or the alarm would watch a metric nobody records.
    const readFn = Object.values(t.findResources('AWS::Lambda::Function')).find(
      (f) => (f.Properties as Json).Description === 'kikigaki API, read routes (GET/HEAD)',
    );
    if (!readFn) throw new Error('no read function in the template');
    const readEnv = (readFn.Properties as { Environment: { Variables: Record<string, string> } }).Environment
      .Variables;
    expect(alarms.find((a) => a.MetricName === 'IndexLagMs')).toMatchObject({
      Namespace: readEnv.POWERTOOLS_METRICS_NAMESPACE,
      Dimensions: [{ Name: 'service', Value: readEnv.POWERTOOLS_SERVICE_NAME }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 3,
      Threshold: 60_000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('every alarm notifies the alarm topic, going off and coming back', () => {
    const topics = Object.keys(t.findResources('AWS::SNS::Topic'));
    expect(topics).toHaveLength(1);
    for (const a of Object.values(t.findResources('AWS::CloudWatch::Alarm'))) {
      expect((a.Properties as Json).AlarmActions).toEqual([{ Ref: topics[0] }]);
      expect((a.Properties as Json).OKActions).toEqual([{ Ref: topics[0] }]);
    }
    // No e-mail subscription unless one is given (below).
    t.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes the e-mail address given as context alarmEmail, and refuses a malformed one', () => {
    const { template } = synth({ alarmEmail: 'ops@example.com' });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    expect(() => new KikigakiStack(newApp({ alarmEmail: 'not-an-address' }), 'S')).toThrow(/alarmEmail/);
  });
});

describe('outputs and secret', () => {
  it('exports the API URL, the token secret name and ARN, and the table name', () => {
    expect(Object.keys(t.findOutputs('*')).sort()).toEqual([
      'ApiUrl',
      'SnapshotBucketName',
      'TableName',
      'TokenSecretArn',
      'TokenSecretName',
    ]);
    t.hasOutput('TableName', { Value: { Ref: ids.table } });
    t.hasOutput('TokenSecretArn', { Value: { Ref: ids.secret } });
  });

  it('the token is generated: 40 characters, no punctuation', () => {
    t.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 40, ExcludePunctuation: true },
    });
  });
});

describe('cdk-nag (AwsSolutionsChecks through Validations)', () => {
  it('synthesises with no unacknowledged findings, errors or warnings', () => {
    // The report CDK writes for `cdk synth` (errors and warnings of every plugin, minus acknowledged ones).
    const report = path.join(main.assembly.directory, 'validation-report.json');
    expect(fs.existsSync(report)).toBe(true);
    const r = JSON.parse(fs.readFileSync(report, 'utf8')) as {
      pluginReports: Array<{ violations?: unknown[] }>;
    };
    expect(r.pluginReports.flatMap((p) => p.violations ?? [])).toEqual([]);
    expect(new AwsSolutionsChecks().validateScope(main.app).violations).toEqual([]);
  });

  it('every acknowledgement carries a reason', () => {
    const acks = main.stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.values(m.data as Record<string, string>));
    expect(acks.length).toBeGreaterThan(0);
    for (const reason of acks) expect(reason.length).toBeGreaterThan(40);
  });

  it('the check is live: an unacknowledged finding fails synth', () => {
    const app = newApp();
    new Queue(new Stack(app, 'Bad'), 'Q');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});

describe('context values', () => {
  it('CLI-style string context switches protectReads, retainTable, origins, throttling and sizes', () => {
    const { template, stack } = synth({
      protectReads: 'true',
      retainTable: 'false',
      corsOrigins: 'https://a.example, https://b.example',
      throttleRateLimit: '5',
      throttleBurstLimit: '10',
      apiMemoryMb: '512',
      logRetentionDays: '7',
      iteratorAgeAlarmMs: '120000',
      indexLagAlarmMs: '30000',
    });
    const read = logicalId(stack, stack.readFunction);
    const readSecret = logicalId(stack, stack.readTokenSecret as never);
    // Protected reads: the read function holds only the read-only token.
    expect(roleStatements(template, read)).toContainEqual(
      expect.objectContaining({
        Action: expect.arrayContaining(['secretsmanager:GetSecretValue']),
        Resource: { Ref: readSecret },
      }),
    );
    expect(JSON.stringify(roleStatements(template, read))).not.toContain(logicalId(stack, stack.tokenSecret));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'kikigaki API, read routes (GET/HEAD)',
      Environment: { Variables: Match.objectLike({ READ_TOKEN_SECRET_ID: { Ref: readSecret } }) },
    });
    template.hasOutput('ReadTokenSecretName', { Value: Match.anyValue() });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: { AllowOrigins: ['https://a.example', 'https://b.example'] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 512,
      Environment: {
        Variables: Match.objectLike({
          PROTECT_READS: 'true',
          CORS_ORIGINS: 'https://a.example,https://b.example',
        }),
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Threshold: 120_000,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IndexLagMs', Threshold: 30_000 });
  });

  it('rejects malformed values by name', () => {
    expect(() => new KikigakiStack(newApp({ retainTable: 'nope' }), 'S')).toThrow(/retainTable/);
    expect(() => new KikigakiStack(newApp({ logRetentionDays: '31' }), 'S')).toThrow(/logRetentionDays/);
    expect(() => new KikigakiStack(newApp({ corsOrigins: [] }), 'S')).toThrow(/corsOrigins/);
  });
});
