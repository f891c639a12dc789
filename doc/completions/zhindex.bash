# bash completion for zhindex(1)

_zhindex()
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

    # The command: the first word that is neither an option nor an option's
    # argument (options come before it).
    local i w cmd=
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
        -d | --index | -e | --encoding | --max-size | --batch | -j | --threads | --shards)
            [[ ${COMP_WORDS[i + 1]} == = ]] && ((i++))
            ((i++)) ;;
        -*) ;;
        =) ;;
        *) cmd=$w; break ;;
        esac
    done

    case $cmd in
    add | remove)
        compopt -o filenames 2>/dev/null
        if declare -F _filedir >/dev/null; then
            _filedir
        else
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        fi
        return ;;
    sync)
        compopt -o filenames 2>/dev/null
        if declare -F _filedir >/dev/null; then
            _filedir -d
        else
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        fi
        return ;;
    list)
        ((i == COMP_CWORD - 1)) && mapfile -t COMPREPLY < <(compgen -W '-0 --null' -- "$cur")
        return ;;
    ?*) return ;;
    esac

    case $prev in
    -d | --index)
        if declare -F _filedir >/dev/null && [[ -z $pre ]]; then
            _filedir -d
        else
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        fi
        return ;;
    -e | --encoding)
        mapfile -t COMPREPLY < <(compgen -W 'UTF-8 UTF-16LE UTF-16BE GB18030 GBK
            GB2312 Big5 Big5-HKSCS' -- "$cur") ;;
    --max-size | --batch | -j | --threads | --shards) return ;;
    *)
        [[ -n $pre ]] && return
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W '--index --encoding --max-size
                --batch --threads --shards --follow --no-compact --ocr --null --quiet --version
                --help' -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W 'add sync remove list stats
                check compact synonyms' -- "$cur")
        fi
        return ;;
    esac
    ((${#COMPREPLY[@]})) && [[ -n $pre ]] && COMPREPLY=("${COMPREPLY[@]/#/$pre}")
}
complete -F _zhindex zhindex
