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
import { Alarm, ComparisonOperator, type Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, FilterCriteria, FilterRule, Runtime, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEFAULT_MAX_BODY_BYTES, lambdaEnvironment } from '../lib/config.ts';
import { type KeyPattern, keyPatterns, TABLE } from '../lib/store/keys.ts';
import { SNAPSHOT_PREFIX, SUPERSEDED_TAG } from '../lib/store/s3-snapshots.ts';
import { type KikigakiSettings, resolveSettings } from './settings.ts';

/** The project root (entries and the lock file are resolved from here, not from the cwd). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The newest Node.js runtime aws-cdk-lib offers; the esbuild target follows it. */
export const NODE_RUNTIME = Runtime.NODEJS_24_X;
const ESBUILD_TARGET = NODE_RUNTIME.name.replace(/^nodejs(\d+)\.x$/, 'node$1');

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
  readonly indexerDlq: Queue;
  readonly httpApi: HttpApi;
  readonly alarms: Alarm[] = [];

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
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      encryption: TableEncryption.AWS_MANAGED,
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
      environment: lambdaEnvironment({ ...api, role: 'write', tokenSecretId: this.tokenSecret.secretArn }),
    });
    this.indexerFunction = this.nodeFunction('IndexerFunction', {
      entry: 'functions/indexer.ts',
      description: 'kikigaki DynamoDB Streams indexer: publishes search index snapshots',
      memorySize: s.indexerMemoryMb,
      timeout: Duration.minutes(5),
      environment: lambdaEnvironment({
        role: 'indexer',
        tableName: this.table.tableName,
        snapshotBucket: this.snapshotBucket.bucketName,
      }),
    });

    this.table.grantReadData(this.readFunction);
    this.table.grantReadWriteData(this.writeFunction);
    // The indexer reads interviews and writes snapshot chunks and the manifest into the table.
    this.table.grantReadWriteData(this.indexerFunction);
    // Snapshots: the read function loads them; the writers (the indexer, and the write function's
    // admin rebuild and repair) also publish them and tag the ones they supersede.
    const snapshotObjects = this.snapshotBucket.arnForObjects(`${SNAPSHOT_PREFIX}*`);
    this.readFunction.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [snapshotObjects] }),
    );
    for (const fn of [this.writeFunction, this.indexerFunction])
      fn.addToRolePolicy(
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

    // ── Streams indexer ─────────────────────────────────────────────────────────────────────
    this.indexerDlq = new Queue(this, 'IndexerDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.indexerDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself the dead-letter destination: the on-failure destination of the indexer's stream event source mapping.",
    });
    this.indexerFunction.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 3,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.indexerDlq),
        // Only the records lib/lambda.ts `targetOf` acts on; the indexer's own snapshot writes
        // (INDEX…) never invoke it, so publishing cannot loop.
        filters: indexerFilters(),
      }),
    );
    Validations.of(this.indexerFunction.role as Role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams (added by the DynamoDB event source) does not support resource-level permissions; ' +
        "the stream read actions themselves are scoped to the table's stream ARN.",
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
      ...this.httpApi.addRoutes({
        path: '/{proxy+}',
        methods: [HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE],
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
    ];
    // Writes parse, tag and write many items: a tighter per-route limit than the stage's keeps a
    // flood of them (even rejected ones) from starving reads or running up the table's bill.
    const cfnStage = stage.node.defaultChild as CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      ['POST /{proxy+}', 'PUT /{proxy+}', 'DELETE /{proxy+}', 'GET /admin/{proxy+}'].map((routeKey) => [
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
    // No SNS topic or alarm actions: deployments wire their own (e.g. `alarm.addAlarmAction`, or
    // an EventBridge rule on alarm state changes) to whatever paging/chat they use.
    const alarmOver = (id: string, metric: Metric, threshold: number, description: string, periods = 1) => {
      const alarm = new Alarm(this, id, {
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: periods,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      this.alarms.push(alarm);
    };
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
      'IndexerIteratorAgeAlarm',
      this.indexerFunction.metric('IteratorAge', { period: Duration.minutes(1), statistic: 'Maximum' }),
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
  }

  /**
   * A Node.js function bundled by the LOCAL esbuild (never Docker) into one ESM file, with its
   * own log group and an execution role that may write only to that log group.
   */
  private nodeFunction(
    id: string,
    props: Pick<NodejsFunctionProps, 'description' | 'memorySize' | 'timeout' | 'environment'> & {
      entry: string;
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
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // ESM bundles have no `require`; some CommonJS dependencies still call it.
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        // Ship the SDK versions the code was tested with (package-lock), not the runtime's copy.
        bundleAwsSDK: true,
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
  return [keyPatterns.interviewHead, keyPatterns.quoteManual, keyPatterns.tagAlias].map(filter);
}
