import QtQuick

Rectangle {
    id: header
    color: Theme.header
    implicitHeight: column.implicitHeight + 24
    Column {
        id: column
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 12 }
        spacing: 10
        // care mode's larger buttons may leave no room beside them: the terminal's name then
        // goes on a line of its own above them (a citizen must always see where they are)
        readonly property bool nameInline: tools.width < width - 160
        KText {
            objectName: "terminalNameLine"
            visible: !column.nameInline
            width: parent.width
            text: session.terminalName
            color: Theme.onHeader
            font.pixelSize: Theme.fontBody
            font.bold: true
            elide: Text.ElideRight
            wrapMode: Text.NoWrap
        }
        Item {
            width: parent.width
            height: Theme.minTouch
            KText {
                objectName: "terminalName"
                visible: column.nameInline
                anchors { left: parent.left; verticalCenter: parent.verticalCenter;
                          right: tools.left; rightMargin: 12 }
                text: session.terminalName
                color: Theme.onHeader
                font.pixelSize: Theme.fontBody
                font.bold: true
                elide: Text.ElideRight
                wrapMode: Text.NoWrap
            }
            Row {
                id: tools
                anchors.right: parent.right
                spacing: 10
                Repeater {
                    model: session.languages
                    BigButton {
                        required property var modelData
                        objectName: "lang_" + modelData.code
                        text: modelData.label
                        pixelSize: Theme.fontSmall
                        selected: session.language === modelData.code
                        visible: session.screen !== "language"
                        onClicked: session.setLanguage(modelData.code)
                    }
                }
                BigButton {
                    objectName: "careMode"
                    text: session.careMode ? qsTr("Standard view") : qsTr("Large text")
                    pixelSize: Theme.fontSmall
                    selected: session.careMode
                    onClicked: session.setCareMode(!session.careMode)
                }
                BigButton {
                    objectName: "help"
                    text: qsTr("Help")
                    pixelSize: Theme.fontSmall
                    onClicked: session.callStaff()
                }
            }
        }
        StepIndicator {
            width: parent.width
            current: session.stepIndex
        }
        KText {
            objectName: "staffBanner"
            width: parent.width
            visible: session.staffCalled
            // the call's state (calling, called, answered, unreachable: the hotline)
            text: session.staffCallText !== "" ? session.staffCallText
                  : qsTr("A member of staff has been called and will come to help you.")
            color: Theme.onHeader
            font.pixelSize: Theme.fontSmall
        }
    }
}
