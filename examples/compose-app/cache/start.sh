# The "cache": files under /data (a named volume) served over HTTP. The first start writes a
# value; later starts keep whatever the volume holds. /data/ready appears once it serves.
mkdir -p /data
[ -f /data/value ] || echo "first value, written $(date -u +%H:%M:%S)" > /data/value
rm -f /data/ready
httpd -p 6379 -h /data
sleep 1
touch /data/ready
echo "cache: serving /data on :6379 ($(cat /data/value))"
# `wait` returns at once on a trapped signal (a foreground sleep would delay stop by up to 1 s).
trap 'exit 0' TERM INT
while :; do
  sleep 1 &
  wait $!
done
