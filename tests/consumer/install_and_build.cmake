# Installs rein into a scratch prefix, then builds tests/consumer against it with find_package.
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} -S ${REIN_SOURCE_DIR} -B ${WORK_DIR}/rein-build -G ${GENERATOR}
                -DREIN_BUILD_TESTS=OFF -DREIN_BUILD_TOOLS=OFF -DREIN_BUILD_EXAMPLES=OFF
                -DCMAKE_INSTALL_PREFIX=${WORK_DIR}/prefix
                COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${CMAKE_COMMAND} --install ${WORK_DIR}/rein-build COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${CMAKE_COMMAND} -S ${REIN_SOURCE_DIR}/tests/consumer -B ${WORK_DIR}/consumer-build
                -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix -DREIN_CONSUMER_MODE=package
                COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/consumer-build COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${WORK_DIR}/consumer-build/consumer COMMAND_ERROR_IS_FATAL ANY)
