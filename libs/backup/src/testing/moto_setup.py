"""Provisions a moto server the way docker/minio/init.sh provisions MinIO: buckets (versioning on the
ones asked for), and one IAM user per identity with the policy file from docker/minio/policies rendered
for its bucket, plus an access key. Runs while moto still lets requests through unauthenticated; prints
the identities' keys as JSON (test credentials of a throwaway server). Usage:
  moto_setup.py <endpoint> <json plan>
plan: {"buckets": [{"name": …, "versioning": true}], "identities": [{"name": …, "policy": <file>, "bucket": …}]}
"""

import json
import sys

import boto3


def main() -> None:
    endpoint, plan = sys.argv[1], json.loads(sys.argv[2])
    session = boto3.session.Session(
        aws_access_key_id="setup", aws_secret_access_key="setup", region_name="us-east-1"
    )
    s3 = session.client("s3", endpoint_url=endpoint)
    iam = session.client("iam", endpoint_url=endpoint)
    for bucket in plan["buckets"]:
        s3.create_bucket(Bucket=bucket["name"])
        if bucket.get("versioning"):
            s3.put_bucket_versioning(
                Bucket=bucket["name"], VersioningConfiguration={"Status": "Enabled"}
            )
    keys = {}
    for identity in plan["identities"]:
        with open(identity["policy"], encoding="utf-8") as file:
            document = file.read().replace("${BUCKET}", identity["bucket"])
        iam.create_user(UserName=identity["name"])
        arn = iam.create_policy(PolicyName=identity["name"], PolicyDocument=document)["Policy"][
            "Arn"
        ]
        iam.attach_user_policy(UserName=identity["name"], PolicyArn=arn)
        key = iam.create_access_key(UserName=identity["name"])["AccessKey"]
        keys[identity["name"]] = {
            "accessKeyId": key["AccessKeyId"],
            "secretAccessKey": key["SecretAccessKey"],
        }
    print(json.dumps(keys))


if __name__ == "__main__":
    main()
