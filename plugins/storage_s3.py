"""Built-in evidence storage: S3-compatible object storage (install the `s3` extra for boto3).

Settings: PARINDEX_S3_BUCKET, PARINDEX_S3_ENDPOINT_URL (for MinIO, SeaweedFS, Ceph...),
PARINDEX_S3_REGION, PARINDEX_S3_ACCESS_KEY, PARINDEX_S3_SECRET_KEY, PARINDEX_S3_PREFIX.
An object appears only when its upload completes (S3 PUT and multipart upload are atomic), so no
half-written object ever carries a real key.
"""

from server.hookspecs import hookimpl


class S3Storage:
    def __init__(self, config):
        import boto3  # only needed when this backend is chosen

        self.bucket = config["S3_BUCKET"]
        self.prefix = config.get("S3_PREFIX", "evidence/")
        self.client = boto3.client(
            "s3", endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region_name=config.get("S3_REGION") or "us-east-1",
            aws_access_key_id=config.get("S3_ACCESS_KEY") or None,
            aws_secret_access_key=config.get("S3_SECRET_KEY") or None)

    def _key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def check(self) -> None:
        """Raise unless the bucket answers with these credentials."""
        self.client.head_bucket(Bucket=self.bucket)

    def put(self, key: str, fileobj) -> None:
        if not self.exists(key):
            self.client.upload_fileobj(fileobj, self.bucket, self._key(key))

    def open(self, key: str):
        return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def stored(self):
        """(key, last modified) of every stored object, page by page."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                yield item["Key"][len(self.prefix):], item["LastModified"]

    def sweep(self, before) -> int:
        """Abort multipart uploads an interrupted request left, started before `before`."""
        swept = 0
        listing = self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=self.prefix)
        for upload in listing.get("Uploads", ()):
            if upload["Initiated"] < before:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"],
                                                   UploadId=upload["UploadId"])
                swept += 1
        return swept


@hookimpl
def parindex_evidence_storage(name, config):
    if name == "s3":
        return S3Storage(config)
    return None
