import * as s3 from '@pulumi/aws/s3/index.js';
import { greenlightTags } from '../shared-params.ts';
import { namesFor, type ProvisionStorageParams } from './schema.ts';

// S3: bucket (owner-enforced objects, so no ACLs) → versioning → default encryption (SSE-S3,
// bucket key) → Block Public Access (all four on unless `public`) → lifecycle (to Standard-IA,
// then expire; noncurrent versions expire too; incomplete uploads cleaned after 7 days).

export function s3Program(p: ProvisionStorageParams, owner: string) {
  return async () => {
    const names = namesFor(p);
    const tags = greenlightTags(p, owner);
    const on = { region: p.region };
    const bucket = new s3.Bucket(names.bucket, { ...on, bucket: names.bucket, forceDestroy: false, tags });
    new s3.BucketOwnershipControls(`${names.bucket}-ownership`, {
      ...on,
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new s3.BucketVersioning(`${names.bucket}-versioning`, {
      ...on,
      bucket: bucket.id,
      versioningConfiguration: { status: p.versioning ? 'Enabled' : 'Suspended' },
    });
    new s3.BucketServerSideEncryptionConfiguration(`${names.bucket}-encryption`, {
      ...on,
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
    });
    const blocked = !p.public;
    new s3.BucketPublicAccessBlock(`${names.bucket}-public-access`, {
      ...on,
      bucket: bucket.id,
      blockPublicAcls: blocked,
      blockPublicPolicy: blocked,
      ignorePublicAcls: blocked,
      restrictPublicBuckets: blocked,
    });
    new s3.BucketLifecycleConfiguration(`${names.bucket}-lifecycle`, {
      ...on,
      bucket: bucket.id,
      rules: [
        {
          id: 'infrequent-then-expire',
          status: 'Enabled',
          filter: {},
          transitions: [{ days: p.cool_after_days, storageClass: 'STANDARD_IA' }],
          expiration: { days: p.retention_days },
          noncurrentVersionExpiration: { noncurrentDays: p.retention_days },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
    });
    return { bucket: bucket.id, arn: bucket.arn };
  };
}
