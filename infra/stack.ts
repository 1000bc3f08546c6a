/**
 * The kikigaki stack: HTTP API → two Lambda functions (reads / writes) built from the same Hono
 * app → one DynamoDB table, whose stream feeds the indexer that publishes search snapshots back
 * into the table. Everything here synthesises offline (local esbuild, no lookups).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CfnElement,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  FilterCriteria,
  FilterRule,
  Runtime,
  StartingPosition,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  DEFAULT_MAX_BODY_BYTES,
  lambdaEnvironment,
  METRICS_NAMESPACE,
  serviceNameOf,
} from '../lib/config.ts';
import { type KeyPattern, keyPatterns, TABLE } from '../lib/store/keys.ts';
import { SNAPSHOT_PREFIX, SUPERSEDED_TAG } from '../lib/store/s3-snapshots.ts';
import { type KikigakiSettings, resolveSettings } from './settings.ts';

/** The project root (entries and the lock file are resolved from here, not from the cwd). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The newest Node.js runtime aws-cdk-lib offers; the esbuild target follows it. */
export const NODE_RUNTIME = Runtime.NODEJS_24_X;
const ESBUILD_TARGET = NODE_RUNTIME.name.replace(/^nodejs(\d+)\.x$/, 'node$1');
/** Where the indexer's asset holds kuromoji's dictionary, relative to its index.mjs (KUROMOJI_DICT). */
export const READINGS_DICTIONARY_DIR = 'kuromoji-dict';

/** Stack props: any setting given here overrides the CDK context value of the same name. */
export interface KikigakiStackProps extends StackProps, Partial<KikigakiSettings> {}

/** kikigaki on AWS: table, token secret, read/write API functions, Streams indexer, HTTP API, alarms. */
export class KikigakiStack extends Stack {
  readonly settings: KikigakiSettings;
  readonly table: Table;
  /** The packed search snapshots (the manifest that switches between them is in the table). */
  readonly snapshotBucket: Bucket;
  readonly tokenSecret: Secret;
  /** The read-only token, when reads are protected. */
  readonly readTokenSecret: Secret | undefined;
  readonly readFunction: NodejsFunction;
  readonly writeFunction: NodejsFunction;
  readonly indexerFunction: NodejsFunction;
  /** Dead letters of the forwarder's stream mapping. */
  readonly indexerDlq: Queue;
  readonly forwarderFunction: NodejsFunction;
  /** The FIFO indexing queue (one message group) the indexer consumes. */
  readonly indexQueue: Queue;
  readonly indexQueueDlq: Queue;
  readonly httpApi: HttpApi;
  readonly alarms: Alarm[] = [];
  /** Where every alarm notifies. */
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: KikigakiStackProps = {}) {
    super(scope, id, props);
    const s = resolveSettings(this.node, props);
    this.settings = s;
    // Data is kept by default; throwaway stacks (`-c retainTable=false`) clean up after themselves.
    const removalPolicy = s.retainTable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // ── Table: the single-table layout of lib/store/keys.ts ─────────────────────────────────
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The indexer reads the current state of what changed: the keys are all it needs.
      stream: StreamViewType.KEYS_ONLY,
      encryption: TableEncryption.AWS_MANAGED,
      // A retained table cannot be deleted by accident either (turn it off in the console first).
      deletionProtection: s.retainTable,
      // Finished jobs' records expire (lib/store/items.ts JOB_RETENTION_DAYS); nothing else does.
      timeToLiveAttribute: TABLE.expiresAt,
      removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: TABLE.gsi1.indexName,
      partitionKey: { name: TABLE.gsi1.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.gsi1.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });

    // ── Snapshot bucket: lib/store/s3-snapshots.ts ──────────────────────────────────────────
    // Snapshots can always be rebuilt from the table, but they are kept with it: a retained
    // table with an emptied bucket would start every function on an empty index.
    this.snapshotBucket = new Bucket(this, 'Snapshots', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: false,
      lifecycleRules: [
        {
          id: 'expire-superseded-snapshots',
          // Tagged when a newer manifest stops listing them; a day leaves any reader that was
          // loading them time to finish.
          prefix: SNAPSHOT_PREFIX,
          tagFilters: { [SUPERSEDED_TAG.key]: SUPERSEDED_TAG.value },
          expiration: Duration.days(1),
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy,
      autoDeleteObjects: !s.retainTable,
    });
    Validations.of(this.snapshotBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Only the stack functions read and write this bucket (IAM-scoped to index/*); its objects are derived data ' +
        'rebuilt from the table. Server access logs would need a second bucket for no audit value.',
    });

    // ── Write token ─────────────────────────────────────────────────────────────────────────
    this.tokenSecret = new Secret(this, 'WriteToken', {
      description: 'kikigaki write token (Authorization: Bearer <token>); rotate with put-secret-value',
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
    });
    Validations.of(this.tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A static API bearer token, not a database credential: there is no service to rotate it against. ' +
        'Operators rotate it with `aws secretsmanager put-secret-value`; the API caches it for at most 5 minutes.',
    });

    // Protected reads get their own token: the read function never holds the write token, so
    // neither it nor a leaked read token can write.
    this.readTokenSecret = s.protectReads
      ? new Secret(this, 'ReadToken', {
          description: 'kikigaki read-only token for protected reads (Authorization: Bearer <token>)',
          generateSecretString: { passwordLength: 40, excludePunctuation: true },
        })
      : undefined;
    if (this.readTokenSecret)
      Validations.of(this.readTokenSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'A static API bearer token for readers: there is no service to rotate it against. ' +
          'Operators rotate it with `aws secretsmanager put-secret-value`; the API caches it for at most 5 minutes.',
      });

    // ── The FIFO indexing queue (one message group): index batches and job steps ──────────────
    this.indexQueueDlq = new Queue(this, 'IndexQueueDlq', {
      fifo: true,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.indexQueue = new Queue(this, 'IndexQueue', {
      fifo: true,
      // A batch retried by the forwarder within 5 minutes is enqueued once.
      contentBasedDeduplication: true,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Six times the indexer's timeout, as Lambda recommends for SQS sources.
      visibilityTimeout: Duration.minutes(30),
      deadLetterQueue: { queue: this.indexQueueDlq, maxReceiveCount: 5 },
    });

    // ── Functions ───────────────────────────────────────────────────────────────────────────
    // Each function's environment comes from lib/config.ts for its role: what the code reads
    // is what the template gives, and a combination that could not serve its role fails here.
    const api = {
      tableName: this.table.tableName,
      snapshotBucket: this.snapshotBucket.bucketName,
      snapshotRefreshMs: s.snapshotRefreshMs,
      protectReads: s.protectReads,
      corsOrigins: s.corsOrigins,
      maxBodyBytes: s.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    };
    this.readFunction = this.nodeFunction('ReadFunction', {
      entry: 'functions/api.ts',
      description: 'kikigaki API, read routes (GET/HEAD)',
      memorySize: s.apiMemoryMb,
      timeout: Duration.seconds(29),
      environment: lambdaEnvironment({
        ...api,
        role: 'read',
        readTokenSecretId: this.readTokenSecret?.secretArn,
      }),
    });
    this.writeFunction = this.nodeFunction('WriteFunction', {
      entry: 'functions/api.ts',
      description: 'kikigaki API, write routes (POST/PUT/DELETE) and admin routes',
      memorySize: s.apiMemoryMb,
      timeout: Duration.seconds(29),
      environment: lambdaEnvironment({
        ...api,
        role: 'write',
        tokenSecretId: this.tokenSecret.secretArn,
        indexQueueUrl: this.indexQueue.queueUrl,
      }),
    });
    this.indexerFunction = this.nodeFunction('IndexerFunction', {
      entry: 'functions/indexer.ts',
      description: 'kikigaki DynamoDB Streams indexer: publishes search index snapshots',
      // The index, plus ~340 MB for the kuromoji dictionary of the kana readings.
      memorySize: s.indexerMemoryMb,
      timeout: Duration.minutes(5),
      environment: lambdaEnvironment({
        role: 'indexer',
        tableName: this.table.tableName,
        snapshotBucket: this.snapshotBucket.bucketName,
        indexQueueUrl: this.indexQueue.queueUrl,
        readingsDictionary: READINGS_DICTIONARY_DIR,
      }),
      // kuromoji's IPADIC (17 MB of .dat.gz) beside index.mjs, read at cold start: kana typed for
      // a kanji word finds it on AWS as it does under `npm start` (lib/indexer-lambda.ts).
      afterBundling: (inputDir, outputDir) => [
        `cp -R "${inputDir}/node_modules/kuromoji/dict" "${outputDir}/${READINGS_DICTIONARY_DIR}"`,
      ],
    });

    // Exactly the table actions each role's code sends (lib/store): no Scan, no UpdateItem, no
    // table management. The indexer writes like the write function: besides the snapshot
    // manifest, the background jobs it runs re-score interviews, re-compute tag memberships and
    // keep their own records (lib/jobs).
    const tableActions = (actions: string[]) =>
      new PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [this.table.tableArn, `${this.table.tableArn}/index/*`],
      });
    const reads = ['GetItem', 'BatchGetItem', 'Query'];
    this.readFunction.addToRolePolicy(tableActions(reads));
    this.writeFunction.addToRolePolicy(tableActions([...reads, 'PutItem', 'DeleteItem', 'BatchWriteItem']));
    this.indexerFunction.addToRolePolicy(tableActions([...reads, 'PutItem', 'DeleteItem', 'BatchWriteItem']));
    // The write function starts jobs (their first step); the indexer sends each next step.
    this.indexQueue.grantSendMessages(this.writeFunction);
    this.indexQueue.grantSendMessages(this.indexerFunction);
    // Snapshots: the API functions load them; only the indexer publishes (index batches and the
    // jobs' steps: the write function starts a rebuild or repair, the indexer runs it), tags the
    // parts it supersedes and deletes what a publish that lost its conflict had uploaded.
    const snapshotObjects = this.snapshotBucket.arnForObjects(`${SNAPSHOT_PREFIX}*`);
    for (const fn of [this.readFunction, this.writeFunction])
      fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [snapshotObjects] }));
    this.indexerFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject'],
        resources: [snapshotObjects],
      }),
    );
    this.tokenSecret.grantRead(this.writeFunction);
    this.readTokenSecret?.grantRead(this.readFunction);

    // Data-plane grants on a table with an index always cover `<table>/index/*`.
    for (const fn of [this.readFunction, this.writeFunction, this.indexerFunction]) {
      Validations.of(fn.role as Role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(this.table)}.Arn>/index/*]`,
        reason:
          "Table grants include the table's own indexes (`<table>/index/*`): queries on gsi1 need it; no other table is reachable.",
      });
      Validations.of(fn.role as Role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.snapshotBucket.node.defaultChild as CfnElement)}.Arn>/${SNAPSHOT_PREFIX}*]`,
        reason:
          'Snapshot parts get a new key per publish (index/parts/<snapshot id>.gz): the grant covers that prefix of this one bucket only.',
      });
    }

    // ── One indexer: Streams → forwarder → FIFO queue (one message group) → indexer ─────────
    // DynamoDB Streams invokes one function per shard, concurrently: indexers publishing whole
    // snapshots would race and redo each other's work. The forwarder (any number of copies)
    // only enqueues what changed; FIFO delivers one message group's batches one at a time, so
    // exactly one indexer invocation publishes at any moment — by construction.
    this.indexerDlq = new Queue(this, 'IndexerDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    for (const q of [this.indexerDlq, this.indexQueueDlq])
      Validations.of(q).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason:
          'This queue is itself a dead-letter destination (of the forwarder stream mapping, or of the indexing queue).',
      });
    this.forwarderFunction = this.nodeFunction('ForwarderFunction', {
      entry: 'functions/forwarder.ts',
      description: 'kikigaki Streams forwarder: table changes → the FIFO indexing queue',
      memorySize: 256,
      timeout: Duration.seconds(60),
      environment: lambdaEnvironment({ role: 'forwarder', indexQueueUrl: this.indexQueue.queueUrl }),
    });
    this.indexQueue.grantSendMessages(this.forwarderFunction);
    this.forwarderFunction.addEventSource(
      new DynamoEventSource(this.table, {
        // From the oldest record kept: the indexer is idempotent, so replaying costs nothing
        // and a new or recreated mapping misses no change.
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 1000,
        maxBatchingWindow: Duration.seconds(2),
        bisectBatchOnError: true,
        retryAttempts: 5,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.indexerDlq),
        // Only the records lib/indexing.ts `targetOf` acts on; snapshot manifests never trigger.
        filters: indexerFilters(),
      }),
    );
    this.indexerFunction.addEventSource(
      new SqsEventSource(this.indexQueue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    Validations.of(this.forwarderFunction.role as Role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams (added by the DynamoDB event source) and xray:PutTraceSegments/PutTelemetryRecords (active tracing) ' +
        "do not support resource-level permissions; the stream read actions themselves are scoped to the table's stream ARN.",
    });
    for (const fn of [this.readFunction, this.writeFunction, this.indexerFunction])
      Validations.of(fn.role as Role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) do not support resource-level permissions.',
      });

    // ── HTTP API ────────────────────────────────────────────────────────────────────────────
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: s.logRetentionDays, removalPolicy });
    this.httpApi = new HttpApi(this, 'Api', {
      description: 'kikigaki: search and tagging of interview transcripts',
      createDefaultStage: false,
      corsPreflight: {
        allowHeaders: ['Authorization', 'Content-Type', 'X-Actor'],
        allowMethods: [
          CorsHttpMethod.GET,
          CorsHttpMethod.POST,
          CorsHttpMethod.PUT,
          CorsHttpMethod.DELETE,
          CorsHttpMethod.OPTIONS,
        ],
        allowOrigins: s.corsOrigins,
        maxAge: Duration.hours(1),
      },
    });
    const stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: s.throttleRateLimit, burstLimit: s.throttleBurstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            userAgent: '$context.identity.userAgent',
          }),
        ),
      },
    });

    const readIntegration = new HttpLambdaIntegration('ReadIntegration', this.readFunction);
    const writeIntegration = new HttpLambdaIntegration('WriteIntegration', this.writeFunction);
    const readRoutes = [
      ...this.httpApi.addRoutes({
        path: '/{proxy+}',
        methods: [HttpMethod.GET, HttpMethod.HEAD],
        integration: readIntegration,
      }),
      ...this.httpApi.addRoutes({
        path: '/',
        methods: [HttpMethod.GET, HttpMethod.HEAD],
        integration: readIntegration,
      }),
    ];
    const writeRoutes = [
      // PATCH is no method of the API, but clients send it by habit (PATCH /interviews/{id}): routed,
      // it gets the app's 405 with `Allow` and the JSON error body, as under npm start, instead of
      // API Gateway's own 404 `{"message":"Not Found"}` (which reads as "no such interview").
      ...this.httpApi.addRoutes({
        path: '/{proxy+}',
        methods: [HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE],
        integration: writeIntegration,
      }),
      // Admin reads (GET /admin/consistency) need the write token: the read function never
      // holds it, so they go where the other admin routes go. API Gateway prefers this longer
      // greedy path over GET /{proxy+}.
      ...this.httpApi.addRoutes({
        path: '/admin/{proxy+}',
        methods: [HttpMethod.GET],
        integration: writeIntegration,
      }),
      // The tag audit trail is read with the write token too (issue 14).
      ...this.httpApi.addRoutes({
        path: '/audit',
        methods: [HttpMethod.GET],
        integration: writeIntegration,
      }),
    ];
    // Writes parse, tag and write many items: a tighter per-route limit than the stage's keeps a
    // flood of them (even rejected ones) from starving reads or running up the table's bill.
    const cfnStage = stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      [
        'POST /{proxy+}',
        'PUT /{proxy+}',
        'PATCH /{proxy+}',
        'DELETE /{proxy+}',
        'GET /admin/{proxy+}',
        'GET /audit',
      ].map((routeKey) => [
        routeKey,
        // RouteSettings is untyped JSON in the L1: CDK passes it through, so CloudFormation's names.
        { ThrottlingRateLimit: s.writeRateLimit, ThrottlingBurstLimit: s.writeBurstLimit },
      ]),
    );
    // Route settings name routes by key: the routes must exist before the stage refers to them.
    for (const route of writeRoutes) cfnStage.node.addDependency(route);
    for (const route of readRoutes)
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: s.protectReads
          ? 'protectReads is on: the app requires `Authorization: Bearer <token>` on reads, compared in constant time with the Secrets Manager token.'
          : 'Reads (search, listing, health) are public by design; set context protectReads=true to require the bearer token in the app.',
      });
    for (const route of writeRoutes)
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Write and admin routes are authenticated in the app: `Authorization: Bearer <token>` compared in constant time with the token in Secrets Manager.',
      });

    // ── Alarms ──────────────────────────────────────────────────────────────────────────────
    // Every alarm notifies one SNS topic (and back to OK); `-c alarmEmail=…` subscribes an
    // address (AWS mails a confirmation link first). Other targets subscribe to the topic.
    this.alarmTopic = new Topic(this, 'Alarms', { displayName: 'kikigaki alarms', enforceSSL: true });
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and states, no data. CloudWatch cannot publish to a topic encrypted with ' +
        'the AWS-managed SNS key, and a customer-managed key would cost more than the topic for no protected content.',
    });
    if (s.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(s.alarmEmail));
    const notify = new SnsAction(this.alarmTopic);
    const alarmOver = (id: string, metric: IMetric, threshold: number, description: string, periods = 1) => {
      const alarm = new Alarm(this, id, {
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: periods,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
      this.alarms.push(alarm);
    };
    alarmOver(
      'ApiLatencyP99Alarm',
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName: 'Latency',
        dimensionsMap: { ApiId: this.httpApi.apiId, Stage: '$default' },
        period: Duration.minutes(5),
        statistic: 'p99',
      }),
      s.latencyP99AlarmMs,
      `API p99 latency above ${s.latencyP99AlarmMs} ms for 15 minutes`,
      3,
    );
    alarmOver(
      'IndexerDurationAlarm',
      this.indexerFunction.metricDuration({ period: Duration.minutes(5), statistic: 'Maximum' }),
      s.indexerDurationAlarmMs,
      `An indexer batch took more than ${s.indexerDurationAlarmMs} ms (the function times out at ${this.indexerFunction.timeout?.toSeconds()} s)`,
    );
    // The read containers' lag behind the published snapshot, recorded at every background
    // refresh (lib/telemetry.ts snapshotMetrics: IndexLagMs, 0 when current): refreshes that fail,
    // or succeed too slowly, leave searches answering from an old index without any error.
    alarmOver(
      'IndexLagAlarm',
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'IndexLagMs',
        dimensionsMap: { service: serviceNameOf('read') },
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      s.indexLagAlarmMs,
      `A read container served an index more than ${s.indexLagAlarmMs} ms behind the published snapshot for 15 minutes`,
      3,
    );
    const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };
    alarmOver(
      'Api5xxAlarm',
      this.httpApi.metricServerError(fiveMinutes),
      0,
      'HTTP API returned 5xx responses',
    );
    for (const [name, fn] of [
      ['Read', this.readFunction],
      ['Write', this.writeFunction],
      ['Indexer', this.indexerFunction],
      ['Forwarder', this.forwarderFunction],
    ] as const) {
      alarmOver(`${name}ErrorsAlarm`, fn.metricErrors(fiveMinutes), 0, `${name} function errors`);
      alarmOver(`${name}ThrottlesAlarm`, fn.metricThrottles(fiveMinutes), 0, `${name} function throttled`);
    }
    alarmOver(
      'IndexerDlqAlarm',
      this.indexerDlq.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      0,
      'Stream records the indexer gave up on are waiting in the DLQ (the search index misses them until reindexed)',
    );
    alarmOver(
      'IndexQueueDlqAlarm',
      this.indexQueueDlq.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      0,
      'Indexing messages failed 5 times and wait in the DLQ (the search index misses them until repaired)',
    );
    alarmOver(
      'IndexQueueAgeAlarm',
      this.indexQueue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      Math.ceil(s.iteratorAgeAlarmMs / 1000),
      `The oldest indexing message is more than ${Math.ceil(s.iteratorAgeAlarmMs / 1000)} s old (the indexer is behind)`,
      3,
    );
    alarmOver(
      'IndexerIteratorAgeAlarm',
      this.forwarderFunction.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
      s.iteratorAgeAlarmMs,
      `Indexer is more than ${s.iteratorAgeAlarmMs} ms behind the table stream`,
      3,
    );

    // ── Outputs ─────────────────────────────────────────────────────────────────────────────
    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TokenSecretName', {
      value: this.tokenSecret.secretName,
      description: 'Secrets Manager secret holding the write token',
    });
    new CfnOutput(this, 'TokenSecretArn', { value: this.tokenSecret.secretArn });
    if (this.readTokenSecret)
      new CfnOutput(this, 'ReadTokenSecretName', {
        value: this.readTokenSecret.secretName,
        description: 'Secrets Manager secret holding the read-only token (protected reads)',
      });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'SnapshotBucketName', {
      value: this.snapshotBucket.bucketName,
      description: 'S3 bucket of the search snapshots (retained with the table)',
    });
  }

  /**
   * A Node.js function bundled by the LOCAL esbuild (never Docker) into one ESM file, with its
   * own log group and an execution role that may write only to that log group.
   */
  private nodeFunction(
    id: string,
    {
      afterBundling,
      ...props
    }: Pick<NodejsFunctionProps, 'description' | 'memorySize' | 'timeout' | 'environment'> & {
      entry: string;
      /** Commands that add files to the asset after esbuild (run locally, in the project root). */
      afterBundling?: (inputDir: string, outputDir: string) => string[];
    },
  ): NodejsFunction {
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: this.settings.logRetentionDays,
      removalPolicy: this.settings.retainTable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Instead of the AWS-managed AWSLambdaBasicExecutionRole (log writes to every log group in the account).
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `kikigaki ${id}`,
    });
    logGroup.grantWrite(role);
    const fn = new NodejsFunction(this, id, {
      ...props,
      entry: path.join(ROOT, props.entry),
      handler: 'handler',
      projectRoot: ROOT,
      depsLockFilePath: path.join(ROOT, 'package-lock.json'),
      runtime: NODE_RUNTIME,
      architecture: Architecture.ARM_64,
      role,
      logGroup,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        // Powertools (lib/telemetry.ts); the service name (one per function) and the metrics
        // namespace come with the role's environment (lib/config.ts lambdaEnvironment).
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      tracing: Tracing.ACTIVE,
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        minify: true,
        // Japanese literals (taxonomy, dictionaries, messages) as UTF-8, not `\uXXXX` escapes: six
        // bytes per kana/kanji become three (−211 KB on the API bundle). Node reads .mjs as UTF-8.
        // As a raw esbuild argument: aws-cdk-lib declares `charset: Charset.UTF8` but has not passed
        // it to esbuild since 2.86 (aws/aws-cdk#32649); tests/infra/artifacts.test.ts checks the output.
        esbuildArgs: { '--charset': 'utf8' },
        sourceMap: true,
        // Stack traces map to file and line; the sources themselves would double the asset.
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // ESM bundles have no `require`; some CommonJS dependencies still call it.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        // Ship the SDK versions the code was tested with (package-lock), not the runtime's copy.
        bundleAwsSDK: true,
        ...(afterBundling
          ? { commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling } }
          : {}),
      },
    });
    return fn;
  }

  private logicalIdOf(table: Table): string {
    return this.getLogicalId(table.node.defaultChild as CfnElement);
  }
}

/**
 * Stream filters: an interview head, a quote's manual tags, or a tag alias. The literals come
 * from the key builders in lib/store/keys.ts.
 */
export function indexerFilters() {
  const filter = (pattern: KeyPattern) => {
    const rule = (p: { equals: string } | { prefix: string }) =>
      'equals' in p ? FilterRule.isEqual(p.equals) : FilterRule.beginsWith(p.prefix);
    return FilterCriteria.filter({
      dynamodb: {
        Keys: {
          [TABLE.partitionKey]: { S: rule(pattern.pk) },
          ...(pattern.sk ? { [TABLE.sortKey]: { S: rule(pattern.sk) } } : {}),
        },
      },
    });
  };
  return [keyPatterns.interviewHead, keyPatterns.quoteManual].map(filter);
}
