#!/usr/bin/env bash
# php.sh [N] - stand-in for pts/phpbench: N rounds (default 40) of string, array and file work in
# php-cli (installed with apt-get when root).  Falls back to perl, saying so, when php-cli cannot
# be installed.  Score (WL_SCORE=1): seconds.
. "$(dirname "$0")/common.sh"
size=${wl_size:-40}
if command -v php >/dev/null 2>&1 || wl_need php php-cli 2>/dev/null; then
  wl_timer_start
  php -r '
    $d = $argv[1]; $n = (int)$argv[2];
    for ($r = 0; $r < $n; $r++) {
      $a = array(); for ($i = 0; $i < 2000; $i++) $a["k$i"] = str_repeat(chr(65 + $i % 26), $i % 17);
      ksort($a); $s = serialize($a); $b = unserialize($s);
      $p = "$d/f" . ($r % 4) . ".txt"; file_put_contents($p, $s); $t = file_get_contents($p);
      clearstatcache(); stat($p); preg_match_all("/A+/", $t, $m);
    }' -- "$wl_dir" "$size"
else
  echo "php: php-cli unavailable, using perl" >&2
  wl_timer_start
  perl -e '
    my ($d, $n) = @ARGV;
    for my $r (0 .. $n - 1) {
      my %a; $a{"k$_"} = chr(65 + $_ % 26) x ($_ % 17) for 0 .. 1999;
      my $s = join(",", map { "$_=$a{$_}" } sort keys %a);
      my $p = "$d/f" . ($r % 4) . ".txt";
      open(my $f, ">", $p) or die; print $f $s; close $f;
      open($f, "<", $p) or die; local $/; my $t = <$f>; close $f; stat($p);
    }' "$wl_dir" "$size"
fi
wl_score_seconds
