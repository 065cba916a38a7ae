from heartlink.cli.app import main

main()
