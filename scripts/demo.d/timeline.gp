# SPDX-License-Identifier: GPL-2.0-only
# Timeline of one scenario: received sequence numbers over time around the
# switch, one lane per method, so each method's gap is seen at a glance.
# Called by scripts/demo.d/report with:
#   gnuplot -e "out='F.svg'; term='svg'; n=4; xmin=-200; xmax=800;
#               title='...'; file1='a.dat'; lane1='stock: ...'; ..." timeline.gp
# Each file holds "t_ms seq" lines, t relative to the VM's pause (t = 0);
# optional sbI = time of the SB change in lane I (red line).
if (term eq 'svg') {
	set terminal svg size 1000, 160 * n + 80 dynamic font 'sans,11' background '#ffffff'
} else {
	set terminal pngcairo size 1000, 160 * n + 80 font 'sans,10'
}
set output out
set multiplot layout n, 1 title title margins 0.10, 0.97, 0.08, 0.92 spacing 0, 0.035
set xrange [xmin:xmax]
set grid xtics ytics lc rgb '#dddddd'
set ylabel 'seq' offset 1, 0
set format y '%.0f'
set key top left box opaque
set arrow 1 from 0, graph 0 to 0, graph 1 nohead lc rgb '#888888' dt 2
do for [i = 1:n] {
	f = value(sprintf('file%d', i))
	l = value(sprintf('lane%d', i))
	if (i == n) {
		set xlabel 'time relative to the VM pause (ms)'
		set format x '%g'
	} else {
		unset xlabel
		set format x ''
	}
	# Where the SB change reached the chassis (on the wire), if known.
	sbvar = sprintf('sb%d', i)
	if (exists(sbvar)) {
		sbt = value(sbvar)
		set arrow 2 from sbt, graph 0 to sbt, graph 1 nohead lc rgb '#c0392b' lw 1.5
		set label 2 'SB' at sbt, graph 0.92 offset 0.4, 0 tc rgb '#c0392b' front
	} else {
		unset arrow 2
		unset label 2
	}
	plot f using 1:2 with points pt 7 ps 0.25 lc rgb '#1f5fa8' title l
}
unset multiplot
