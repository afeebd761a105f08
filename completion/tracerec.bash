# bash completion for the tracerec tools: tracerecd, tracerec-dump, tracerec-fill,
# tracerec-train, tracerec-eval, tracerec-import.  `make install` installs this file once per
# tool into PREFIX/share/bash-completion/completions/ (bash-completion loads it by the tool's
# name); it can also be sourced directly.  Options come from the tool's own --help, so they
# never drift from it; option values (formats, methods, files, pids) from the table below.

# The tool's --help text (the tool as typed when it can be run, else from PATH).
_tracerec_help()
{
	local cmd=${COMP_WORDS[0]}
	[[ $cmd == */* && -x $cmd ]] || cmd=${cmd##*/}
	"$cmd" --help 2>/dev/null
}

# The long options the tool's --help lists ("--name" or "--name=").
_tracerec_long_opts()
{
	_tracerec_help | grep -oE -- '--[a-zA-Z0-9][a-zA-Z0-9-]*=?' | sort -u
}

# Completes the value of option $2 of tool $1 (word $3); returns 1 when $2 takes no value.
_tracerec_value()
{
	local tool=$1 opt=$2 cur=$3 words=
	case "$tool:$opt" in
	*:-o | *:--output | tracerec-eval:-M | *:--model | tracerec-fill:-m | *:--npy | \
	*:--train | tracerec-eval:-t | *:--test | tracerec-eval:-T | *:--trace | *:--fill)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null
		return 0 ;;
	tracerec-dump:-f | tracerec-dump:--format) words="text csv jsonl" ;;
	tracerec-dump:-e | tracerec-dump:--export) words="npy" ;;
	tracerec-fill:-M | tracerec-fill:--method | tracerec-eval:-m | tracerec-eval:--method)
		words="ngram sssd hybrid" ;;
	tracerec-train:-m | tracerec-train:--method) words="sssd ngram" ;;
	tracerec-eval:-p | tracerec-eval:--position) words="center end both" ;;
	tracerec-eval:--end-mode) words="paper exact" ;;
	tracerec-train:--repr) words="onehot scalar" ;;
	tracerec-train:--objective) words="auto eps x0ce" ;;
	tracerecd:-p | tracerecd:--pid)
		words=$(ps -e -o pid= 2>/dev/null) ;;
	tracerecd:-b | tracerecd:--buffer-size) words="4M 8M 16M 32M 64M 128M 256M" ;;
	*:-[a-zA-Z])
		# another short option: does --help show it with a value ("-x, --name=VALUE")?
		_tracerec_help | grep -qE -- "^ *$opt, --[a-z-]+[= ][A-Z]" || return 1
		return 0 ;;
	*:--*)
		_tracerec_help | grep -qE -- "$opt[= ][A-Z]" || return 1
		return 0 ;;
	*) return 1 ;;
	esac
	COMPREPLY=($(compgen -W "$words" -- "$cur"))
	return 0
}

_tracerec()
{
	local tool=${COMP_WORDS[0]##*/} cur=${COMP_WORDS[COMP_CWORD]} prev= i nargs=0
	COMPREPLY=()
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}

	# tracerecd -- COMMAND [ARG...]: complete the command, then its files
	if [ "$tool" = tracerecd ]; then
		for ((i = 1; i < COMP_CWORD; i++)); do
			[ "${COMP_WORDS[i]}" = -- ] || continue
			if [ $((i + 1)) -eq "$COMP_CWORD" ]; then
				COMPREPLY=($(compgen -c -- "$cur"))
			else
				COMPREPLY=($(compgen -f -- "$cur"))
				compopt -o filenames 2>/dev/null
			fi
			return 0
		done
	fi
	# --name=VALUE: one word, or three when '=' breaks words (COMP_WORDBREAKS)
	if [ "$cur" = = ] && [[ $prev == --* ]]; then
		_tracerec_value "$tool" "$prev" ""
		return 0
	fi
	if [ "$prev" = = ] && [ "$COMP_CWORD" -gt 1 ]; then
		_tracerec_value "$tool" "${COMP_WORDS[COMP_CWORD - 2]}" "$cur"
		return 0
	fi
	if [[ $cur == --*=* ]]; then
		_tracerec_value "$tool" "${cur%%=*}" "${cur#*=}"
		return 0
	fi
	# the value of the previous option
	if [[ $prev == -* && $prev != -- && $prev != *=* ]] && _tracerec_value "$tool" "$prev" "$cur"
	then
		return 0
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_tracerec_long_opts)" -- "$cur"))
		[[ ${COMPREPLY[0]-} == *= ]] && compopt -o nospace 2>/dev/null
		return 0
	fi
	# operands
	case "$tool" in
	tracerec-import)
		for ((i = 1; i < COMP_CWORD; i++)); do
			[[ ${COMP_WORDS[i]} == -* || ${COMP_WORDS[i - 1]} == @(-o|--output) ]] ||
				nargs=$((nargs + 1))
		done
		if [ $nargs -eq 0 ]; then
			COMPREPLY=($(compgen -W "lttng npy csv" -- "$cur"))
			return 0
		fi ;;
	esac
	COMPREPLY=($(compgen -f -- "$cur"))
	compopt -o filenames 2>/dev/null
	return 0
}

complete -F _tracerec tracerecd tracerec-dump tracerec-fill tracerec-train tracerec-eval \
	tracerec-import
