#!/bin/bash
# The image-cache builder VM's startup script (publish fills in the @…@ words, each a quoted bash word): it unpacks
# every image onto the secondary disk in the layout GKE's CONTAINER_IMAGE_CACHE mode reads (reference/gcp.md §3.3):
# ext4 on the whole device, snapshots/<N>/fs and the two metadata files. Deploy waits for one of the two lines below
# on serial port 1.
set -uo pipefail
images=(@IMAGES@)
device=@CACHE_DEVICE@
done_line=@DONE_LINE@
failed_line=@FAILED_LINE@
fail() { echo "$failed_line: $1" > /dev/ttyS0; exit 1; }
apt-get update && apt-get install -y containerd jq || fail 'cannot install containerd'
mkdir -p /etc/containerd/certs.d/docker.io
printf 'server = "https://registry-1.docker.io"\n[host."https://mirror.gcr.io"]\n  capabilities = ["pull", "resolve"]\n' > /etc/containerd/certs.d/docker.io/hosts.toml
systemctl restart containerd
dev="/dev/disk/by-id/google-$device"
mkfs.ext4 -F -m 0 -E lazy_itable_init=0,lazy_journal_init=0,discard "$dev" || fail 'mkfs'
mnt=/mnt/disks/container_layers; mkdir -p "$mnt" && mount -o discard,defaults "$dev" "$mnt" || fail 'mount'
token=$(curl -s -H 'Metadata-Flavor: Google' http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token | jq -r .access_token)
for image in "${images[@]}"; do
  ctr -n k8s.io image pull --hosts-dir /etc/containerd/certs.d --user "oauth2accesstoken:$token" "$image" || fail "pull $image"
done
ctr -n k8s.io images ls > "$mnt/images.metadata"
: > "$mnt/snapshots.metadata"
for snap in $(ctr -n k8s.io snapshot list | awk '$3 == "Committed" {print $1}'); do
  ctr -n k8s.io snapshot view "tmp_$snap" "$snap" > /dev/null || fail "view $snap"
  src=$(ctr -n k8s.io snapshot mounts /tmp "tmp_$snap" | grep -o 'lowerdir=[^ ,]*' | cut -d= -f2 | cut -d: -f1)
  n=$(basename "$(dirname "$src")"); mkdir -p "$mnt/snapshots/$n" && cp -r -p "$src" "$mnt/snapshots/$n/fs" || fail "copy $snap"
  echo "$snap snapshots/$n/fs" >> "$mnt/snapshots.metadata"
done
umount "$mnt" || fail 'umount'
echo "$done_line" > /dev/ttyS0
