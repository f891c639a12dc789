# bash completion for zhsearch(1)

_zhsearch()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev= pre=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # OPTION=VALUE, split at "=" by COMP_WORDBREAKS or not
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*} pre=${cur%%=*}= cur=${cur#*=}
    fi
    COMPREPLY=()
    # zhsearch serve: the web search and its options
    if ((COMP_CWORD == 1)) && [[ serve == "$cur"* && -n $cur ]]; then
        COMPREPLY=(serve)
        return
    fi
    if [[ ${COMP_WORDS[1]:-} == serve ]] && ((COMP_CWORD > 1)); then
        case $prev in
        -d | --index) ;;
        --listen) mapfile -t COMPREPLY < <(compgen -W '127.0.0.1 ::1 0.0.0.0' -- "$cur"); return ;;
        -p | --port | --max-searches | --queue | --search-timeout) return ;;
        *)
            [[ $cur == -* && -z $pre ]] &&
                mapfile -t COMPREPLY < <(compgen -W '--index --port --listen --max-searches
                    --queue --search-timeout --help' -- "$cur")
            return ;;
        esac
    fi
    case $prev in
    -d | --index)
        if declare -F _filedir >/dev/null && [[ -z $pre ]]; then
            _filedir
        else
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        fi
        return ;;
    --sort) mapfile -t COMPREPLY < <(compgen -W 'relevance date -date' -- "$cur") ;;
    --facet) mapfile -t COMPREPLY < <(compgen -W 'year issuer format' -- "$cur") ;;
    --color | --colour) mapfile -t COMPREPLY < <(compgen -W 'auto always never' -- "$cur") ;;
    --highlight) mapfile -t COMPREPLY < <(compgen -W 'ansi brackets none' -- "$cur") ;;
    -n | --limit | --offset | --snippet | --timeout | --context) return ;;
    *)
        [[ -n $pre ]] && return
        [[ $cur == -* ]] || return
        mapfile -t COMPREPLY < <(compgen -W '--index --timeout --partial --limit
            --offset --all --count --files-with-matches --sort --facet --snippet
            --json --explain --color --highlight --matches --context --occurrences
            --expand --tsv --csv --version --help' -- "$cur")
        return ;;
    esac
    ((${#COMPREPLY[@]})) && [[ -n $pre ]] && COMPREPLY=("${COMPREPLY[@]/#/$pre}")
}
complete -F _zhsearch zhsearch
