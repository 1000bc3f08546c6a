/**
 * The CDK app: one `Kikigaki` stack, checked by cdk-nag's AWS Solutions pack through CDK's
 * policy-validation framework (findings fail synth unless acknowledged on the construct, with a
 * reason, via `Validations.of(construct).acknowledge`).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { KikigakiStack } from './stack.ts';

const app = new App();
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
new KikigakiStack(app, 'Kikigaki', {
  stackName: 'Kikigaki',
  description: 'kikigaki: search and tagging backend for Japanese interview transcripts',
  ...(account || region ? { env: { account, region } } : {}),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
